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

/// What every plugin says about itself (`describe()`), whatever its kind,
/// plus where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginMeta {
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
}

/// What a plugin of each kind adds to its [`PluginMeta`]: a widget's data
/// shape, an exporter's output type. Matching on it replaces run-time
/// kind checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindInfo {
    /// A dashboard widget.
    Widget {
        /// The data shape `render` expects.
        shape: DataShape,
    },
    /// An export format.
    Exporter {
        /// Media type of the output, e.g. `text/csv; charset=utf-8`.
        media_type: String,
        /// File extension without the dot.
        file_extension: String,
    },
    /// An alert rule.
    AlertRule,
}

impl KindInfo {
    /// The kind, without its facts.
    pub fn kind(&self) -> PluginKind {
        match self {
            Self::Widget { .. } => PluginKind::Widget,
            Self::Exporter { .. } => PluginKind::Exporter,
            Self::AlertRule => PluginKind::AlertRule,
        }
    }
}

impl PartialEq<PluginKind> for KindInfo {
    fn eq(&self, other: &PluginKind) -> bool {
        self.kind() == *other
    }
}

/// A plugin's description: what all plugins share, and what its kind adds.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginInfo {
    /// Id, name, version, description, config schema, source.
    pub meta: PluginMeta,
    /// The kind and its facts.
    pub kind: KindInfo,
}

impl PluginInfo {
    /// Widgets only: the data shape `render` expects.
    pub fn data_shape(&self) -> Option<DataShape> {
        match self.kind {
            KindInfo::Widget { shape } => Some(shape),
            _ => None,
        }
    }

    /// Exporters only: media type of the output.
    pub fn media_type(&self) -> Option<&str> {
        match &self.kind {
            KindInfo::Exporter { media_type, .. } => Some(media_type),
            _ => None,
        }
    }

    /// Exporters only: file extension without the dot.
    pub fn file_extension(&self) -> Option<&str> {
        match &self.kind {
            KindInfo::Exporter { file_extension, .. } => Some(file_extension),
            _ => None,
        }
    }
}

/// The flat JSON shape the CLI and tooling have always read: `kind`, the
/// meta fields, and `data_shape` or `media_type`/`file_extension`.
impl Serialize for PluginInfo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Flat<'a> {
            kind: PluginKind,
            id: &'a str,
            name: &'a str,
            version: &'a str,
            description: &'a str,
            config_schema: &'a ConfigSchema,
            source: &'a PluginSource,
            #[serde(skip_serializing_if = "Option::is_none")]
            data_shape: Option<DataShape>,
            #[serde(skip_serializing_if = "Option::is_none")]
            media_type: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            file_extension: Option<&'a str>,
        }
        let m = &self.meta;
        Flat {
            kind: self.kind.kind(),
            id: &m.id,
            name: &m.name,
            version: &m.version,
            description: &m.description,
            config_schema: &m.config_schema,
            source: &m.source,
            data_shape: self.data_shape(),
            media_type: self.media_type(),
            file_extension: self.file_extension(),
        }
        .serialize(s)
    }
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
