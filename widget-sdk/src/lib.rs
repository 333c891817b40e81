//! Write [wasmdash](https://example.invalid/wasmdash) widgets, export formats
//! and alert rules as sandboxed WebAssembly components.
//!
//! A plugin is a `cdylib` crate built for `wasm32-wasip2`. It implements one
//! of three traits — [`Widget`], [`Exporter`] (with an [`ExportSession`]) or
//! [`AlertRule`] — and registers it with [`export_plugin!`]. The WIT contract
//! in `wit/plugin.wit` (package `wasmdash:plugin@0.1.3`) is the single source
//! of truth; its generated bindings stay hidden in [`wit`] and the types you
//! use are re-exported here under their WIT names, so nothing is copied.
//!
//! # Typed plugins
//!
//! Each trait names its types and the SDK does the rest:
//!
//! - `const META: PluginMeta` — id, name, version, description.
//! - `type Config` — the plugin's JSON config as a Rust type implementing
//!   [`PluginConfig`] (`Deserialize` + `schemars::JsonSchema`, plus optional
//!   [`check`](PluginConfig::check)). The SDK parses the JSON the host sends
//!   into it (bad JSON, wrong types and failed checks become
//!   [`PluginError::InvalidConfig`], never a trap) and generates the config
//!   schema the host's editor builds its form from, so each default is
//!   written once, in `Default`. [`NoConfig`] is for plugins without options.
//! - `type Data` (widgets) — [`ScalarData`], [`SeriesData`],
//!   [`CategoriesData`] or [`RowsData`]: the data shape declared to the host
//!   is derived from it ([`WidgetShape`]), and data of another shape is
//!   refused as [`PluginError::InvalidData`] before `render` runs.
//!
//! The WIT `describe()` answer is built from these, so it cannot disagree
//! with what `render`, `open` or `evaluate` accept.
//!
//! # Config schemas
//!
//! The schema is JSON Schema draft 2020-12, titled with the plugin's name,
//! one property per field: its `title` from `#[schemars(title = "...")]`,
//! its `description` from the doc comment, its `default` from the type's
//! `Default` (derive `Serialize` and use `#[serde(default)]`), bounds from
//! `#[schemars(range(..))]` / `#[schemars(length(..))]`, unit enums as an
//! `enum` list (document every variant or none: mixed docs reorder it). `Option<T>` means "may be left out" (the schema says `T`).
//! Anything else the editor should know goes in
//! `#[schemars(extend("key" = value))]`, e.g. `"x-wasmdash": "metric"` on a
//! property naming a metric, which the editor offers as a picker.
//!
//! Host keys: the host reads some keys of a plugin's config for itself.
//! For widgets of the scalar, series and categories shapes and for alert
//! rules the SDK adds a `metric` property (`"x-wasmdash": "metric"`) to the
//! schema; your config type does not declare it. An alert rule's config may
//! carry the alert's `metric`, which the SDK removes before reading your
//! type. A widget's config object also carries the host's binding keys
//! (`bucket`, `compare_previous`, `dimension`, `top`, `dataset`, `columns`,
//! `order_by`, `descending`, and `sparkline`/`page_size` where a widget
//! shares them), so widget config types must ignore unknown keys: no
//! `#[serde(deny_unknown_fields)]` there. On exporter and alert-rule configs
//! that attribute refuses unknown keys and emits
//! `"additionalProperties": false` at once.
//!
//! # Helpers
//!
//! Around the traits sit the helpers every plugin needs: [`html`] escaping,
//! [`format`](mod@format) for numbers, percentages, money, durations and
//! percent change, [`time`] for timestamps in the viewer's UTC offset,
//! [`cell_text`] for exporters writing millions of cells, [`change`] for a
//! value against the previous period (worded and coloured by the metric's
//! direction, the same in every plugin), [`display`] for
//! the formats, direction and colours the dashboard uses, [`buckets`] for
//! the partial first and last buckets of a series, the [`svg`] chart
//! toolkit (scales, axes, lines, areas, bars, pie/donut arcs, sparklines,
//! downsampling to the pixel width), and [`testing`] fixtures for unit
//! tests that call a plugin the way the host does.
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
//! A widget with one option, its schema, and a unit test:
//!
//! ```no_run
//! use serde::{Deserialize, Serialize};
//! use wasmdash_plugin_sdk::{PluginConfig, PluginError, PluginMeta, RenderContext, ScalarData, Widget};
//! use wasmdash_plugin_sdk::{format, html};
//!
//! #[derive(Deserialize, Serialize, schemars::JsonSchema)]
//! #[serde(default)]
//! struct Config {
//!     /// Shown above the value; empty uses the metric's label.
//!     #[schemars(title = "Title")]
//!     title: String,
//!     /// Decimals to show.
//!     #[schemars(title = "Decimals", range(max = 6))]
//!     decimals: u8,
//! }
//!
//! impl Default for Config {
//!     fn default() -> Self {
//!         Self { title: String::new(), decimals: 1 }
//!     }
//! }
//!
//! impl PluginConfig for Config {
//!     fn check(&self) -> Result<(), String> {
//!         if self.decimals <= 6 { Ok(()) } else { Err("decimals must be at most 6".into()) }
//!     }
//! }
//!
//! struct BigNumber;
//!
//! impl Widget for BigNumber {
//!     const META: PluginMeta = PluginMeta {
//!         id: "big-number",
//!         name: "Big number",
//!         version: env!("CARGO_PKG_VERSION"),
//!         description: "One value, large.",
//!     };
//!     type Config = Config;
//!     type Data = ScalarData;
//!
//!     fn render(cfg: &Config, data: &ScalarData, _ctx: &RenderContext) -> Result<String, PluginError> {
//!         let title = if cfg.title.is_empty() { &data.label } else { &cfg.title };
//!         let Some(v) = data.value else { return Ok(html::empty_state(title)) };
//!         Ok(format!(
//!             "<div class=\"wd-big\">{}</div>",
//!             html::escape(&format::number(v, Some(cfg.decimals)))
//!         ))
//!     }
//! }
//!
//! wasmdash_plugin_sdk::export_plugin!(widget: BigNumber);
//!
//! // A unit test, run natively by `cargo test` (in the plugin: inside
//! // `#[cfg(test)] mod tests`, marked `#[test]`):
//! fn renders_and_refuses_bad_config() {
//!     use wasmdash_plugin_sdk::testing;
//!
//!     let ctx = testing::render_context(300, 150);
//!     let html = testing::render::<BigNumber>("", testing::scalar("Orders", Some(2.5)), &ctx).unwrap();
//!     assert!(html.contains("2.5"));
//!     let bad = testing::render::<BigNumber>(r#"{"decimals":9}"#, testing::scalar("Orders", None), &ctx);
//!     assert!(matches!(bad, Err(PluginError::InvalidConfig(_))));
//!     // The schema the editor gets: defaults from `Default`, the metric picker added.
//!     let schema = testing::widget_schema::<BigNumber>();
//!     assert_eq!(schema["properties"]["decimals"]["default"], 1);
//!     assert_eq!(schema["properties"]["metric"]["x-wasmdash"], "metric");
//! }
//! ```
//!
//! Build with `cargo build --target wasm32-wasip2 --release` and copy the
//! `.wasm` into the server's plugins folder.
#![deny(missing_docs)]

pub mod buckets;
pub mod cell_text;
pub mod change;
mod config;
pub mod display;
pub mod format;
pub mod html;
pub mod log;
mod meta;
mod plugin;
mod schema;
mod shape;
pub mod svg;
mod svg_layout;
pub mod testing;
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

pub use config::{NoConfig, PluginConfig};
pub use meta::PluginMeta;
pub use plugin::{AlertRule, ExportSession, Exporter, Widget};
pub use shape::WidgetShape;
pub use types::*;

/// Register a plugin type as the component's export. Use exactly once per
/// plugin crate, with the kind and the type implementing its trait:
///
/// ```no_run
/// # use wasmdash_plugin_sdk::*;
/// # struct MyWidget;
/// # impl Widget for MyWidget {
/// #     const META: PluginMeta = PluginMeta { id: "my-widget", name: "Mine", version: "0.1.0", description: "" };
/// #     type Config = NoConfig;
/// #     type Data = SeriesData;
/// #     fn render(_: &NoConfig, _: &SeriesData, _: &RenderContext) -> Result<String, PluginError> { Ok(String::new()) }
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
