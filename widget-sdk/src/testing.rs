//! Fixtures for a plugin's unit tests, run natively with `cargo test`.
//!
//! The `render`, `open` and `evaluate` functions here take the config as
//! the JSON text the host sends and go through the same path as a call
//! from the host (config read and checked, data shape matched, `describe`
//! derived), without the WebAssembly boundary. So a test of a bad config
//! sees the same [`PluginError`] the dashboard editor would.
//!
//! ```no_run
//! # use serde::{Deserialize, Serialize};
//! # use wasmdash_plugin_sdk::*;
//! # #[derive(Default, Deserialize, Serialize, schemars::JsonSchema)]
//! # struct Config {}
//! # impl PluginConfig for Config {}
//! # struct BigNumber;
//! # impl Widget for BigNumber {
//! #     const META: PluginMeta = PluginMeta { id: "big-number", name: "Big number", version: "0.1.0", description: "" };
//! #     type Config = Config;
//! #     type Data = ScalarData;
//! #     fn render(_: &Config, d: &ScalarData, _: &RenderContext) -> Result<String, PluginError> { Ok(d.label.clone()) }
//! # }
//! use wasmdash_plugin_sdk::testing;
//!
//! let ctx = testing::render_context(300, 150);
//! let html = testing::render::<BigNumber>("{}", testing::scalar("Revenue", Some(5.0)), &ctx).unwrap();
//! assert!(html.contains("Revenue"));
//! let schema = testing::widget_schema::<BigNumber>();
//! assert_eq!(schema["properties"]["metric"]["x-wasmdash"], "metric");
//! ```

use crate::adapter::{self, AlertRuleAdapter, ExporterAdapter, WidgetAdapter};
use crate::plugin::{AlertRule, Exporter, Widget};
use crate::types::{
    AlertInput, AlertRuleInfo, ColumnKind, ColumnSchema, Evaluation, ExportOptions, ExporterInfo,
    PluginError, RenderContext, ScalarData, Series, TimeRange, ValueFormat, WidgetData, WidgetInfo,
};
use crate::wit::{alert_rule_plugin, exporter_plugin, widget_plugin};

/// One day in milliseconds: the span of the fixtures' time range.
pub const DAY_MS: i64 = 86_400_000;

/// The time range of every fixture: the first day of 1970 (UTC), "Today".
pub fn time_range() -> TimeRange {
    TimeRange {
        start_ms: 0,
        end_ms: DAY_MS,
        label: "Today".into(),
    }
}

/// A slot of `width` x `height` pixels showing [`time_range`] in UTC,
/// locale `en-US`. Change a field with struct update syntax:
/// `RenderContext { utc_offset_minutes: 60, ..render_context(400, 200) }`.
pub fn render_context(width: u32, height: u32) -> RenderContext {
    RenderContext {
        width,
        height,
        time_range: time_range(),
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        locale: "en-US".into(),
    }
}

/// A scalar `value` labelled `label`, plain number format, no previous
/// value and no sparkline.
pub fn scalar(label: &str, value: Option<f64>) -> ScalarData {
    ScalarData {
        label: label.into(),
        value,
        previous: None,
        format: ValueFormat::default(),
        sparkline: None,
    }
}

/// What the host learns from `W` when it loads the plugin.
pub fn describe_widget<W: Widget>() -> WidgetInfo {
    <WidgetAdapter<W> as widget_plugin::Guest>::describe()
}

/// `W`'s config schema as JSON (`Value::Null` if it were not JSON).
pub fn widget_schema<W: Widget>() -> serde_json::Value {
    serde_json::from_str(&describe_widget::<W>().config_schema).unwrap_or_default()
}

/// Render `data` with the JSON `config` as the host would call `W`.
pub fn render<W: Widget>(
    config: &str,
    data: impl Into<WidgetData>,
    ctx: &RenderContext,
) -> Result<String, PluginError> {
    <WidgetAdapter<W> as widget_plugin::Guest>::render(config.into(), data.into(), ctx.clone())
}

/// What the host learns from `E` when it loads the plugin.
pub fn describe_exporter<E: Exporter>() -> ExporterInfo {
    <ExporterAdapter<E> as exporter_plugin::Guest>::describe()
}

/// Export options with the JSON `config`, titled "Export", no time range,
/// UTC, generated at 0 ms.
pub fn export_options(config: &str) -> ExportOptions {
    ExportOptions {
        config: config.into(),
        title: "Export".into(),
        time_range: None,
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        generated_at_ms: 0,
    }
}

/// Open an export with `options` (see [`export_options`]) of rows with
/// `schema` as the host would; drive the session with its
/// [`ExportSession`](crate::ExportSession) methods.
pub fn open<E: Exporter>(
    options: ExportOptions,
    schema: Vec<ColumnSchema>,
) -> Result<E::Session, PluginError> {
    adapter::open::<E>(options, schema)
}

/// Run `f` with the host's `display` answers set to `display` (column
/// formats, value format, direction, colours), as the host would answer
/// them during a call; afterwards the host's (or native defaults) apply
/// again.
pub fn with_display<R>(display: crate::display::Display, f: impl FnOnce() -> R) -> R {
    crate::display::imp::with(display, f)
}

pub use crate::svg_layout::{SvgLayout, TextBox};

/// The first chart SVG of widget `html` as it would be laid out: its size,
/// each text's font size and extent, the drawing's extent. Test the sizing
/// rules with it, at every size the grid allows:
///
/// ```
/// # use wasmdash_plugin_sdk::{svg, testing};
/// let html = format!("{}{}{}", svg::open(300, 120, "c"), svg::text(150.0, 60.0, "middle", "l", "12K"), svg::CLOSE);
/// let l = testing::svg_layout(&html).unwrap();
/// assert!(l.smallest_text().unwrap() >= 12.0 && l.texts_outside().is_empty());
/// ```
pub fn svg_layout(html: &str) -> Option<SvgLayout> {
    crate::svg_layout::layout(html)
}

/// Run `f` with the host's `buckets` answers set to `partial`, as the host
/// would answer them while rendering a series; afterwards no bucket is
/// partial again (natively).
pub fn with_partial_buckets<R>(
    partial: crate::buckets::PartialBuckets,
    f: impl FnOnce() -> R,
) -> R {
    crate::buckets::imp::with(partial, f)
}

/// Column schemas named and labelled as given.
pub fn columns(named: &[(&str, ColumnKind)]) -> Vec<ColumnSchema> {
    named
        .iter()
        .map(|(name, kind)| ColumnSchema {
            name: (*name).into(),
            label: (*name).into(),
            kind: *kind,
        })
        .collect()
}

/// What the host learns from `R` when it loads the plugin.
pub fn describe_alert_rule<R: AlertRule>() -> AlertRuleInfo {
    <AlertRuleAdapter<R> as alert_rule_plugin::Guest>::describe()
}

/// An alert input for `metric` over [`time_range`] with the `current` and
/// `previous` aggregates and no recent values.
pub fn alert_input(metric: &str, current: Option<f64>, previous: Option<f64>) -> AlertInput {
    AlertInput {
        metric: metric.into(),
        time_range: time_range(),
        current,
        previous,
        recent: Series::default(),
    }
}

/// Evaluate `input` under the JSON `config` as the host would call `R`.
pub fn evaluate<R: AlertRule>(config: &str, input: AlertInput) -> Result<Evaluation, PluginError> {
    <AlertRuleAdapter<R> as alert_rule_plugin::Guest>::evaluate(config.into(), input)
}
