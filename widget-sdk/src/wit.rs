//! Raw bindings generated from `wit/plugin.wit`, one module per world.
//!
//! The `types`, `log`, `display` and `buckets` interfaces are generated once (with the `widget`
//! world) and the other two worlds point at them through `with`, so a `Batch` is the same Rust
//! type whichever plugin kind uses it. The export macros are public so the
//! façade's `export_plugin!` can expand them in the plugin crate, which is
//! where wit-bindgen places the custom section describing the exports.

/// The `widget` world.
pub mod widget {
    wit_bindgen::generate!({
        path: "wit",
        world: "widget",
        pub_export_macro: true,
        export_macro_name: "__wasmdash_export_widget",
        default_bindings_module: "::wasmdash_plugin_sdk::wit::widget",
        additional_derives: [PartialEq],
    });
}

/// The `exporter` world.
pub mod exporter {
    wit_bindgen::generate!({
        path: "wit",
        world: "exporter",
        pub_export_macro: true,
        export_macro_name: "__wasmdash_export_exporter",
        default_bindings_module: "::wasmdash_plugin_sdk::wit::exporter",
        with: {
            "wasmdash:plugin/types@0.1.3": crate::wit::types,
            "wasmdash:plugin/log@0.1.3": crate::wit::log,
            "wasmdash:plugin/display@0.1.3": crate::wit::display,
            "wasmdash:plugin/buckets@0.1.3": crate::wit::buckets,
        },
    });
}

/// The `alert-rule` world.
pub mod alert_rule {
    wit_bindgen::generate!({
        path: "wit",
        world: "alert-rule",
        pub_export_macro: true,
        export_macro_name: "__wasmdash_export_alert_rule",
        default_bindings_module: "::wasmdash_plugin_sdk::wit::alert_rule",
        additional_derives: [PartialEq],
        with: {
            "wasmdash:plugin/types@0.1.3": crate::wit::types,
            "wasmdash:plugin/log@0.1.3": crate::wit::log,
            "wasmdash:plugin/display@0.1.3": crate::wit::display,
        },
    });
}

pub use alert_rule::exports::wasmdash::plugin::alert_rule_plugin;
pub use exporter::exports::wasmdash::plugin::exporter_plugin;
pub use widget::exports::wasmdash::plugin::widget_plugin;
pub use widget::wasmdash::plugin::buckets;
pub use widget::wasmdash::plugin::display;
pub use widget::wasmdash::plugin::log;
pub use widget::wasmdash::plugin::types;
