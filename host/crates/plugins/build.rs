//! Builds the built-in plugins (`plugins/`, a workspace of guest crates) for
//! `wasm32-wasip2` and generates `OUT_DIR/builtin_plugins.rs`, which embeds
//! each component with `include_bytes!`, so `cargo build` / `cargo run` just
//! work with every built-in plugin inside the binary.

use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "build/guests.rs"]
mod guests;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest_dir
        .ancestors()
        .nth(3)
        .expect("host/crates/plugins sits three levels below the workspace root");
    let plugins = root.join("plugins");
    let sdk = root.join("widget-sdk");
    println!("cargo:rerun-if-changed=build/guests.rs");
    guests::rerun_if_changed(&plugins, &[&sdk]);

    let built = match guests::build(&plugins, &guests::nested_target_dir("plugins")) {
        Ok(built) => built,
        Err(stderr) => guests::fail("the built-in plugins (plugins/)", &stderr),
    };

    let mut code = String::from(
        "/// Built-in plugins embedded at build time: (package name, component).\n\
         pub(crate) static BUILTIN_PLUGINS: &[(&str, &[u8])] = &[\n",
    );
    for g in &built {
        writeln!(
            code,
            "    ({:?}, include_bytes!({:?})),",
            g.package,
            g.wasm.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("builtin_plugins.rs"), code).expect("cannot write builtin_plugins.rs");
}
