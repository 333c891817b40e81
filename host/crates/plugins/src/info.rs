//! Host-owned descriptions of plugins and the values passed to and from them.
//! The rest of the crate uses these, never the generated bindings.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use wasmdash_frame::{DataShape, Series, TimeRange};

use crate::schema::ConfigSchema;

/// The three plugin kinds, one per WIT world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PluginKind {
    /// A dashboard widget (`widget` world).
    Widget,
    /// An export format (`exporter` world).
    Exporter,
    /// An alert rule (`alert-rule` world).
    AlertRule,
}

impl PluginKind {
    /// Human name used in messages: "widget", "exporter", "alert rule".
    pub fn label(self) -> &'static str {
        match self {
            Self::Widget => "widget",
            Self::Exporter => "exporter",
            Self::AlertRule => "alert rule",
        }
    }

    /// The WIT world name, e.g. `alert-rule`.
    pub fn world(self) -> &'static str {
        match self {
            Self::Widget => "widget",
            Self::Exporter => "exporter",
            Self::AlertRule => "alert-rule",
        }
    }
}

impl fmt::Display for PluginKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.world())
    }
}

/// Where a plugin came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "path")]
pub enum PluginSource {
    /// Embedded in the binary.
    Builtin,
    /// A drop-in file.
    File(PathBuf),
}

impl fmt::Display for PluginSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builtin => f.write_str("builtin"),
            Self::File(path) => write!(f, "file:{}", path.display()),
        }
    }
}

/// What a plugin says about itself (`describe()`), plus where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PluginInfo {
    /// Which world it implements.
    pub kind: PluginKind,
    /// Stable id, lowercase `a-z0-9-`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The plugin's own version.
    pub version: String,
    /// One or two sentences.
    pub description: String,
    /// JSON Schema of its JSON config, compiled once at load.
    pub config_schema: ConfigSchema,
    /// Built-in or file.
    pub source: PluginSource,
    /// Widgets only: the data shape `render` expects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_shape: Option<DataShape>,
    /// Exporters only: media type of the output, e.g. `text/csv; charset=utf-8`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Exporters only: file extension without the dot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_extension: Option<String>,
}

/// Where and how a widget is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderContext {
    /// Width hint of the slot, CSS pixels.
    pub width: u32,
    /// Height hint of the slot, CSS pixels.
    pub height: u32,
    /// The dashboard's time range.
    pub time_range: TimeRange,
    /// IANA timezone, e.g. "Europe/Berlin".
    pub timezone: String,
    /// Offset of that timezone from UTC at the end of the range, minutes.
    pub utc_offset_minutes: i32,
    /// BCP 47 locale, e.g. "en-US".
    pub locale: String,
}

/// What is being exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOptions {
    /// JSON options matching the exporter's config schema.
    pub config: String,
    /// Title of the export (dashboard or dataset name).
    pub title: String,
    /// The exported time range, if any.
    pub time_range: Option<TimeRange>,
    /// IANA timezone.
    pub timezone: String,
    /// Offset of that timezone from UTC, minutes.
    pub utc_offset_minutes: i32,
    /// Generation time, Unix milliseconds.
    pub generated_at_ms: i64,
}

/// The metric values an alert rule looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertInput {
    /// Metric name.
    pub metric: String,
    /// The evaluated range.
    pub time_range: TimeRange,
    /// Aggregate over the range; `None` when there was no data.
    pub current: Option<f64>,
    /// Same aggregate over the previous period of equal length.
    pub previous: Option<f64>,
    /// Recent values, oldest first.
    pub recent: Series,
}

/// The state an alert rule decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Condition not met.
    Ok,
    /// Condition met.
    Firing,
    /// Nothing to compare.
    NoData,
}

/// The outcome of one rule evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Decided state.
    pub state: AlertState,
    /// The value compared, e.g. the current value or the change in %.
    pub observed: Option<f64>,
    /// One human sentence.
    pub message: String,
}
