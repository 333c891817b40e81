//! The three plugin traits, one per WIT world.
//!
//! Each trait names its config type, and (for a widget) its data type; the
//! SDK derives the WIT `describe()` answer from them and does the parsing,
//! checking and shape matching before your method runs, so a plugin holds
//! only its own logic. Registration: [`export_plugin!`](crate::export_plugin).

use crate::config::PluginConfig;
use crate::meta::PluginMeta;
use crate::shape::WidgetShape;
use crate::types::{
    AlertInput, Batch, ColumnSchema, Evaluation, ExportOptions, PluginError, RenderContext, Section,
};

/// A dashboard widget: turns data of one shape into an HTML fragment.
///
/// ```no_run
/// use serde::{Deserialize, Serialize};
/// use wasmdash_plugin_sdk::{PluginConfig, PluginError, PluginMeta, RenderContext, ScalarData, Widget, html};
///
/// #[derive(Default, Deserialize, Serialize, schemars::JsonSchema)]
/// #[serde(default)]
/// struct Config {
///     /// Text before the value.
///     #[schemars(title = "Prefix")]
///     prefix: String,
/// }
///
/// impl PluginConfig for Config {}
///
/// struct Hello;
///
/// impl Widget for Hello {
///     const META: PluginMeta = PluginMeta {
///         id: "hello",
///         name: "Hello",
///         version: env!("CARGO_PKG_VERSION"),
///         description: "Shows the metric label.",
///     };
///     type Config = Config;
///     type Data = ScalarData;
///
///     fn render(config: &Config, data: &ScalarData, _ctx: &RenderContext) -> Result<String, PluginError> {
///         Ok(format!("<p>{}{}</p>", html::escape(&config.prefix), html::escape(&data.label)))
///     }
/// }
///
/// wasmdash_plugin_sdk::export_plugin!(widget: Hello);
/// ```
pub trait Widget: 'static {
    /// Id, name, version and description.
    const META: PluginMeta;

    /// The widget's own config keys. The SDK reads it from the JSON the
    /// host passes (refusing bad JSON as `invalid-config`) and publishes
    /// its schema, with the host's `metric` key added for the shapes fed by
    /// a metric (see the crate docs).
    type Config: PluginConfig;

    /// The data shape rendered: [`ScalarData`](crate::ScalarData),
    /// [`SeriesData`](crate::SeriesData),
    /// [`CategoriesData`](crate::CategoriesData) or
    /// [`RowsData`](crate::RowsData). Data of another shape is refused as
    /// `invalid-data` before `render` runs.
    type Data: WidgetShape;

    /// Render `data` into HTML within the host's allowlist.
    fn render(
        config: &Self::Config,
        data: &Self::Data,
        ctx: &RenderContext,
    ) -> Result<String, PluginError>;
}

/// An export format: opens a streaming [`ExportSession`] per export.
///
/// ```no_run
/// use wasmdash_plugin_sdk::{Batch, ColumnSchema, ExportOptions, ExportSession, Exporter, NoConfig, PluginError, PluginMeta};
///
/// struct Count;
/// struct Counting(u64);
///
/// impl Exporter for Count {
///     const META: PluginMeta = PluginMeta {
///         id: "count",
///         name: "Row count",
///         version: env!("CARGO_PKG_VERSION"),
///         description: "Writes the number of rows.",
///     };
///     const MEDIA_TYPE: &'static str = "text/plain; charset=utf-8";
///     const FILE_EXTENSION: &'static str = "txt";
///     type Config = NoConfig;
///     type Session = Counting;
///
///     fn open(_: NoConfig, _: ExportOptions, _: Vec<ColumnSchema>) -> Result<Counting, PluginError> {
///         Ok(Counting(0))
///     }
/// }
///
/// impl ExportSession for Counting {
///     fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
///         self.0 += u64::from(batch.row_count);
///         Ok(Vec::new())
///     }
///     fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
///         Ok(format!("{}\n", self.0).into_bytes())
///     }
/// }
///
/// wasmdash_plugin_sdk::export_plugin!(exporter: Count);
/// ```
pub trait Exporter: 'static {
    /// Id, name, version and description.
    const META: PluginMeta;

    /// Media type of the output, e.g. `"text/csv; charset=utf-8"`.
    const MEDIA_TYPE: &'static str;

    /// File extension of the output, without the dot, e.g. `"csv"`.
    const FILE_EXTENSION: &'static str;

    /// The exporter's options, read from `ExportOptions::config`.
    type Config: PluginConfig;

    /// The state of one export in progress.
    type Session: ExportSession;

    /// Start an export of rows with the columns in `schema` (empty for a
    /// multi-part report, whose sections bring their own).
    fn open(
        config: Self::Config,
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<Self::Session, PluginError>;
}

/// One export in progress. Return bytes as soon as you have them: the host
/// streams them to the client.
///
/// A single table arrives as `open(options, schema)`, then `write` per
/// batch, then `finish`. A multi-part report (a dashboard) arrives as
/// `open(options, [])`, then per part [`begin_section`](Self::begin_section)
/// followed by the `write` calls carrying that part's rows, then `finish`.
pub trait ExportSession: 'static {
    /// Start a new titled part of a report: the batches written next have
    /// the columns of `section.schema` and are meant to be drawn as
    /// `section.chart` (see [`ChartKind`](crate::ChartKind) for the columns
    /// each kind brings). Returns bytes to append to the output.
    ///
    /// The default refuses with [`PluginError::InvalidData`]: a format that
    /// only knows one table would otherwise mix rows of different columns
    /// into one output, so it must opt in to reports by overriding this.
    fn begin_section(&mut self, section: Section) -> Result<Vec<u8>, PluginError> {
        Err(PluginError::InvalidData(format!(
            "this export format does not support multi-part reports (section {:?})",
            section.title
        )))
    }

    /// Encode one batch of rows; the returned bytes are appended to the output.
    fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError>;

    /// End the export and return the final bytes (footer, trailer). The
    /// default writes nothing.
    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        Ok(Vec::new())
    }
}

/// An alert rule: decides from a metric's values whether an alert fires.
///
/// ```no_run
/// use serde::{Deserialize, Serialize};
/// use wasmdash_plugin_sdk::{AlertInput, AlertRule, AlertState, Evaluation, PluginConfig, PluginError, PluginMeta};
///
/// #[derive(Deserialize, Serialize, schemars::JsonSchema)]
/// #[serde(deny_unknown_fields)]
/// struct Config {
///     /// Fires above this value.
///     #[schemars(title = "Limit")]
///     limit: f64,
/// }
///
/// impl PluginConfig for Config {}
///
/// struct Above;
///
/// impl AlertRule for Above {
///     const META: PluginMeta = PluginMeta {
///         id: "above",
///         name: "Above",
///         version: env!("CARGO_PKG_VERSION"),
///         description: "Fires when the value is above a limit.",
///     };
///     type Config = Config;
///
///     fn evaluate(config: &Config, input: AlertInput) -> Result<Evaluation, PluginError> {
///         let state = match input.current {
///             None => AlertState::NoData,
///             Some(v) if v > config.limit => AlertState::Firing,
///             Some(_) => AlertState::Ok,
///         };
///         Ok(Evaluation { state, observed: input.current, message: format!("{} checked", input.metric) })
///     }
/// }
///
/// wasmdash_plugin_sdk::export_plugin!(alert_rule: Above);
/// ```
pub trait AlertRule: 'static {
    /// Id, name, version and description.
    const META: PluginMeta;

    /// The rule's own config keys. The host may also pass the alert's
    /// `metric` in the config object; the SDK removes it before reading
    /// this type, and adds it to the published schema.
    type Config: PluginConfig;

    /// Evaluate `input` under `config`.
    fn evaluate(config: &Self::Config, input: AlertInput) -> Result<Evaluation, PluginError>;
}
