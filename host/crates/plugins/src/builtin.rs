//! The built-in plugins, embedded by `host/build.rs` from `plugins/`.

include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));
