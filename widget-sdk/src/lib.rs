//! Write [wasmdash](https://example.invalid/wasmdash) widgets, export formats
//! and alert rules as sandboxed WebAssembly components.
//!
//! A plugin is a `cdylib` crate built for `wasm32-wasip2`. It implements one
//! of three traits — [`Widget`], [`Exporter`] (with an [`ExportSession`]) or
//! [`AlertRule`] — and registers it with [`export_plugin!`]. The WIT contract
//! in `wit/plugin.wit` (package `wasmdash:plugin@0.1.0`) is the single source
//! of truth; its generated bindings stay hidden in [`wit`] and the types you
//! use are re-exported here under their WIT names, so nothing is copied.
//!
//! Around the traits sit the helpers every widget needs: [`config`] (JSON
//! config into your struct, errors as [`PluginError::InvalidConfig`]),
//! [`html`] escaping, [`format`](mod@format) for numbers, percentages, money, durations
//! and percent change, [`time`] for timestamps in the viewer's UTC offset,
//! and the [`svg`] chart toolkit (scales, axes, lines, areas, bars,
//! pie/donut arcs, sparklines, downsampling to the pixel width).
//!
//! # Config schemas
//!
//! `describe()` returns a JSON Schema (draft 2020-12) of the plugin's JSON
//! config, with `title`, `description` and `default` on every property: the
//! dashboard editor generates its form from it. A property that picks a
//! metric is named `metric` and annotated `"x-wasmdash": "metric"`, so the
//! editor offers the configured metrics instead of a free text field.
//!
//! # HTML rules
//!
//! The host sanitizes widget HTML with an allowlist: plain HTML elements and
//! inline SVG (`svg g path rect circle line polyline polygon text tspan title
//! desc`), classes prefixed `wd-`, SVG presentation attributes; no `style`,
//! no `id`, no script or event handlers, no external URLs. Colour series with
//! `currentColor` and the palette classes `wd-c0`..`wd-c7` ([`svg::palette`]).
//!
//! # Example
//!
//! ```no_run
//! use wasmdash_plugin_sdk::{DataShape, PluginError, RenderContext, Widget, WidgetData, WidgetInfo};
//! use wasmdash_plugin_sdk::{config, format, html};
//!
//! #[derive(serde::Deserialize)]
//! struct Config {
//!     #[serde(default)]
//!     title: String,
//! }
//!
//! struct BigNumber;
//!
//! impl Widget for BigNumber {
//!     fn describe() -> WidgetInfo {
//!         WidgetInfo {
//!             id: "big-number".into(),
//!             name: "Big number".into(),
//!             version: "0.1.0".into(),
//!             description: "One value, large.".into(),
//!             data_shape: DataShape::Scalar,
//!             config_schema: r#"{"$schema":"https://json-schema.org/draft/2020-12/schema",
//!                 "type":"object","properties":{"title":{"type":"string","title":"Title","default":""}}}"#.into(),
//!         }
//!     }
//!
//!     fn render(cfg: &str, data: WidgetData, _ctx: &RenderContext) -> Result<String, PluginError> {
//!         let cfg: Config = config(cfg)?;
//!         let WidgetData::Scalar(s) = data else {
//!             return Err(PluginError::InvalidData("big-number needs a scalar".into()));
//!         };
//!         let Some(v) = s.value else { return Ok(html::empty_state(&cfg.title)) };
//!         Ok(format!("<div class=\"wd-big\">{}</div>", html::escape(&format::value(v, &s.format))))
//!     }
//! }
//!
//! wasmdash_plugin_sdk::export_plugin!(widget: BigNumber);
//! ```
//!
//! Build with `cargo build --target wasm32-wasip2 --release` and copy the
//! `.wasm` into the server's plugins folder.
#![deny(missing_docs)]

pub mod cell_text;
mod config;
pub mod format;
pub mod html;
mod plugin;
pub mod svg;
pub mod time;
mod types;

#[doc(hidden)]
pub mod adapter;

#[doc(hidden)]
#[allow(
    missing_docs,
    unreachable_pub,
    clippy::all,
    reason = "generated bindings"
)]
pub mod wit;

pub use config::config;
pub use plugin::{AlertRule, ExportSession, Exporter, Widget};
pub use types::*;

/// Register a plugin type as the component's export. Use exactly once per
/// plugin crate, with the kind and the type implementing its trait:
///
/// ```no_run
/// # use wasmdash_plugin_sdk::*;
/// # struct MyWidget;
/// # impl Widget for MyWidget {
/// #     fn describe() -> WidgetInfo { unimplemented!() }
/// #     fn render(_: &str, _: WidgetData, _: &RenderContext) -> Result<String, PluginError> { unimplemented!() }
/// # }
/// wasmdash_plugin_sdk::export_plugin!(widget: MyWidget);
/// // or: export_plugin!(exporter: MyCsv);  export_plugin!(alert_rule: MyRule);
/// ```
///
/// The generated glue passes every error back as the WIT `plugin-error`
/// and never unwraps.
#[macro_export]
macro_rules! export_plugin {
    (widget: $ty:ty) => {
        #[doc(hidden)]
        type __WasmdashWidgetExport = $crate::adapter::WidgetAdapter<$ty>;
        $crate::wit::widget::__wasmdash_export_widget!(
            __WasmdashWidgetExport with_types_in $crate::wit::widget
        );
    };
    (exporter: $ty:ty) => {
        #[doc(hidden)]
        type __WasmdashExporterExport = $crate::adapter::ExporterAdapter<$ty>;
        $crate::wit::exporter::__wasmdash_export_exporter!(
            __WasmdashExporterExport with_types_in $crate::wit::exporter
        );
    };
    (alert_rule: $ty:ty) => {
        #[doc(hidden)]
        type __WasmdashAlertRuleExport = $crate::adapter::AlertRuleAdapter<$ty>;
        $crate::wit::alert_rule::__wasmdash_export_alert_rule!(
            __WasmdashAlertRuleExport with_types_in $crate::wit::alert_rule
        );
    };
}
