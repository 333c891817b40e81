//! The three plugin traits, one per WIT world.

use crate::types::{
    AlertInput, AlertRuleInfo, Batch, ColumnSchema, Evaluation, ExportOptions, ExporterInfo,
    PluginError, RenderContext, Section, WidgetData, WidgetInfo,
};

/// A dashboard widget: turns data of one shape into an HTML fragment.
///
/// ```no_run
/// use wasmdash_plugin_sdk::{Widget, WidgetInfo, WidgetData, RenderContext, PluginError, DataShape, html};
///
/// struct Hello;
///
/// impl Widget for Hello {
///     fn describe() -> WidgetInfo {
///         WidgetInfo {
///             id: "hello".into(),
///             name: "Hello".into(),
///             version: "0.1.0".into(),
///             description: "Shows the metric label.".into(),
///             data_shape: DataShape::Scalar,
///             config_schema: r#"{"type":"object"}"#.into(),
///         }
///     }
///
///     fn render(_config: &str, data: WidgetData, _ctx: &RenderContext) -> Result<String, PluginError> {
///         let WidgetData::Scalar(s) = data else {
///             return Err(PluginError::InvalidData("expected a scalar".into()));
///         };
///         Ok(format!("<p>{}</p>", html::escape(&s.label)))
///     }
/// }
///
/// wasmdash_plugin_sdk::export_plugin!(widget: Hello);
/// ```
pub trait Widget: 'static {
    /// Static description, read once when the plugin is loaded.
    fn describe() -> WidgetInfo;

    /// Render `data` with the JSON `config` (validate it with
    /// [`config`](crate::config)) into HTML within the host's allowlist.
    fn render(config: &str, data: WidgetData, ctx: &RenderContext) -> Result<String, PluginError>;
}

/// An export format: opens a streaming [`ExportSession`] per export.
///
/// ```no_run
/// use wasmdash_plugin_sdk::{Batch, ColumnSchema, ExportOptions, ExportSession, Exporter, ExporterInfo, PluginError};
///
/// struct Count;
/// struct Counting(u64);
///
/// impl Exporter for Count {
///     type Session = Counting;
///     fn describe() -> ExporterInfo {
///         ExporterInfo {
///             id: "count".into(), name: "Row count".into(), version: "0.1.0".into(),
///             description: "Writes the number of rows.".into(),
///             media_type: "text/plain; charset=utf-8".into(), file_extension: "txt".into(),
///             config_schema: r#"{"type":"object"}"#.into(),
///         }
///     }
///     fn open(_: ExportOptions, _: Vec<ColumnSchema>) -> Result<Counting, PluginError> {
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
    /// The state of one export in progress.
    type Session: ExportSession;

    /// Static description, read once when the plugin is loaded.
    fn describe() -> ExporterInfo;

    /// Start an export of rows with the columns in `schema`.
    fn open(
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
/// use wasmdash_plugin_sdk::{AlertInput, AlertRule, AlertRuleInfo, AlertState, Evaluation, PluginError};
///
/// struct Positive;
///
/// impl AlertRule for Positive {
///     fn describe() -> AlertRuleInfo {
///         AlertRuleInfo {
///             id: "positive".into(), name: "Positive".into(), version: "0.1.0".into(),
///             description: "Fires when the value is above zero.".into(),
///             config_schema: r#"{"type":"object"}"#.into(),
///         }
///     }
///     fn evaluate(_config: &str, input: AlertInput) -> Result<Evaluation, PluginError> {
///         let state = match input.current {
///             None => AlertState::NoData,
///             Some(v) if v > 0.0 => AlertState::Firing,
///             Some(_) => AlertState::Ok,
///         };
///         Ok(Evaluation { state, observed: input.current, message: format!("{} checked", input.metric) })
///     }
/// }
///
/// wasmdash_plugin_sdk::export_plugin!(alert_rule: Positive);
/// ```
pub trait AlertRule: 'static {
    /// Static description, read once when the plugin is loaded.
    fn describe() -> AlertRuleInfo;

    /// Evaluate `input` under the JSON `config`.
    fn evaluate(config: &str, input: AlertInput) -> Result<Evaluation, PluginError>;
}
