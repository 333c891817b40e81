//! Glue between the façade traits and the generated `Guest` traits: the
//! WIT `describe()` answers are derived here from each plugin's constants
//! and types, and configs and data are read and checked here before the
//! plugin's own method runs. Public only because `export_plugin!` names it
//! from the plugin crate.

use std::cell::RefCell;
use std::marker::PhantomData;

use crate::config::parse;
use crate::plugin::{AlertRule, ExportSession, Exporter, Widget};
use crate::schema::{self, HostKey};
use crate::shape::WidgetShape;
use crate::types::{
    AlertInput, AlertRuleInfo, Batch, ColumnSchema, DataShape, Evaluation, ExportOptions,
    ExporterInfo, PluginError, RenderContext, Section, WidgetData, WidgetInfo,
};
use crate::wit::{alert_rule_plugin, exporter_plugin, widget_plugin};

/// The keys of a widget's config the host reads to fetch its data and the
/// SDK adds to the schema. Until the host composes its binding keys with
/// the plugin's schema itself, the metric picker comes from here; a table
/// (rows) widget's `dataset` has never been in its schema.
fn widget_host_keys(shape: DataShape) -> &'static [HostKey] {
    match shape {
        DataShape::Scalar | DataShape::Series | DataShape::Categories => &[schema::WIDGET_METRIC],
        DataShape::Rows => &[],
    }
}

/// The keys of an alert rule's config that belong to the host: the alert's
/// metric may be repeated there.
const ALERT_RULE_HOST_KEYS: &[HostKey] = &[schema::ALERT_METRIC];

/// Implements the generated widget `Guest` for any [`Widget`].
pub struct WidgetAdapter<T>(PhantomData<T>);

impl<T: Widget> widget_plugin::Guest for WidgetAdapter<T> {
    fn describe() -> WidgetInfo {
        let shape = <T::Data as WidgetShape>::SHAPE;
        WidgetInfo {
            id: T::META.id.into(),
            name: T::META.name.into(),
            version: T::META.version.into(),
            description: T::META.description.into(),
            data_shape: shape,
            config_schema: schema::config_schema::<T::Config>(
                T::META.name,
                widget_host_keys(shape),
            ),
        }
    }

    fn render(
        config: String,
        data: WidgetData,
        context: RenderContext,
    ) -> Result<String, PluginError> {
        // Widget configs share their object with every binding key of the
        // host, so nothing is removed: widget config types ignore unknown keys.
        let config = parse::<T::Config>(&config, &[])?;
        let data = T::Data::from_widget_data(data, T::META.id)?;
        T::render(&config, &data, &context)
    }
}

/// Implements the generated alert-rule `Guest` for any [`AlertRule`].
pub struct AlertRuleAdapter<T>(PhantomData<T>);

impl<T: AlertRule> alert_rule_plugin::Guest for AlertRuleAdapter<T> {
    fn describe() -> AlertRuleInfo {
        AlertRuleInfo {
            id: T::META.id.into(),
            name: T::META.name.into(),
            version: T::META.version.into(),
            description: T::META.description.into(),
            config_schema: schema::config_schema::<T::Config>(T::META.name, ALERT_RULE_HOST_KEYS),
        }
    }

    fn evaluate(config: String, input: AlertInput) -> Result<Evaluation, PluginError> {
        let config = parse::<T::Config>(&config, ALERT_RULE_HOST_KEYS)?;
        T::evaluate(&config, input)
    }
}

/// Implements the generated exporter `Guest` for any [`Exporter`].
pub struct ExporterAdapter<T>(PhantomData<T>);

impl<T: Exporter> exporter_plugin::Guest for ExporterAdapter<T> {
    type Session = SessionAdapter<T::Session>;

    fn describe() -> ExporterInfo {
        ExporterInfo {
            id: T::META.id.into(),
            name: T::META.name.into(),
            version: T::META.version.into(),
            description: T::META.description.into(),
            media_type: T::MEDIA_TYPE.into(),
            file_extension: T::FILE_EXTENSION.into(),
            config_schema: schema::config_schema::<T::Config>(T::META.name, &[]),
        }
    }

    fn open(
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<exporter_plugin::Session, PluginError> {
        let session = open::<T>(options, schema)?;
        Ok(exporter_plugin::Session::new(SessionAdapter(RefCell::new(
            Some(session),
        ))))
    }
}

/// Read the exporter's config from `options` and open a session.
pub(crate) fn open<T: Exporter>(
    options: ExportOptions,
    schema: Vec<ColumnSchema>,
) -> Result<T::Session, PluginError> {
    let config = parse::<T::Config>(&options.config, &[])?;
    T::open(config, options, schema)
}

/// The generated resource takes `&self`; the session is kept in a `RefCell`
/// and dropped by `finish`, so a call after `finish` is an error, not a trap.
pub struct SessionAdapter<S>(RefCell<Option<S>>);

impl<S: ExportSession> SessionAdapter<S> {
    fn with<R>(
        &self,
        done: bool,
        f: impl FnOnce(&mut S) -> Result<R, PluginError>,
    ) -> Result<R, PluginError> {
        let mut slot = self
            .0
            .try_borrow_mut()
            .map_err(|_| PluginError::Internal("export session re-entered".into()))?;
        let session = slot
            .as_mut()
            .ok_or_else(|| PluginError::Internal("export session already finished".into()))?;
        let result = f(session);
        if done || result.is_err() {
            // A failed export cannot be resumed; refuse later calls clearly.
            *slot = None;
        }
        result
    }
}

impl<S: ExportSession> exporter_plugin::GuestSession for SessionAdapter<S> {
    fn begin_section(&self, section: Section) -> Result<Vec<u8>, PluginError> {
        self.with(false, |s| s.begin_section(section))
    }

    fn write(&self, batch: Batch) -> Result<Vec<u8>, PluginError> {
        self.with(false, |s| s.write(batch))
    }

    fn finish(&self) -> Result<Vec<u8>, PluginError> {
        self.with(true, ExportSession::finish)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::testing;
    use crate::types::{AlertState, SeriesData};
    use crate::wit::exporter_plugin::GuestSession as _;
    use crate::{NoConfig, PluginConfig, PluginMeta};

    const fn meta(id: &'static str) -> PluginMeta {
        PluginMeta {
            id,
            name: "Test plugin",
            version: "1.2.3",
            description: "For the adapter's tests.",
        }
    }

    struct Label;

    impl Widget for Label {
        const META: PluginMeta = meta("label");
        type Config = NoConfig;
        type Data = SeriesData;

        fn render(
            _: &NoConfig,
            data: &SeriesData,
            _: &RenderContext,
        ) -> Result<String, PluginError> {
            Ok(data.label.clone())
        }
    }

    #[derive(Deserialize, Serialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Limit {
        limit: f64,
    }

    impl PluginConfig for Limit {}

    struct Above;

    impl AlertRule for Above {
        const META: PluginMeta = meta("above");
        type Config = Limit;

        fn evaluate(config: &Limit, input: AlertInput) -> Result<Evaluation, PluginError> {
            let firing = input.current.is_some_and(|v| v > config.limit);
            Ok(Evaluation {
                state: if firing {
                    AlertState::Firing
                } else {
                    AlertState::Ok
                },
                observed: input.current,
                message: String::new(),
            })
        }
    }

    struct Rows;
    struct Counting(u32);

    impl Exporter for Rows {
        const META: PluginMeta = meta("rows");
        const MEDIA_TYPE: &'static str = "text/plain";
        const FILE_EXTENSION: &'static str = "txt";
        type Config = Limit;
        type Session = Counting;

        fn open(_: Limit, _: ExportOptions, _: Vec<ColumnSchema>) -> Result<Counting, PluginError> {
            Ok(Counting(0))
        }
    }

    impl ExportSession for Counting {
        fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
            if batch.row_count == 0 {
                return Err(PluginError::InvalidData("empty batch".into()));
            }
            self.0 += batch.row_count;
            Ok(Vec::new())
        }

        fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
            Ok(self.0.to_string().into_bytes())
        }
    }

    fn batch(rows: u32) -> Batch {
        Batch {
            row_count: rows,
            columns: vec![],
        }
    }

    #[test]
    fn a_widget_is_described_by_its_types() {
        let info = testing::describe_widget::<Label>();
        assert_eq!(
            (info.id.as_str(), info.version.as_str(), info.data_shape),
            ("label", "1.2.3", DataShape::Series)
        );
        let schema = testing::widget_schema::<Label>();
        assert_eq!(schema["title"], "Test plugin");
        assert_eq!(schema["properties"]["metric"]["x-wasmdash"], "metric");
    }

    #[test]
    fn a_widget_gets_only_its_shape() {
        let ctx = testing::render_context(100, 100);
        assert_eq!(
            testing::render::<Label>("{}", testing::scalar("x", None), &ctx),
            Err(PluginError::InvalidData(
                "label needs series data, got scalar data".into()
            ))
        );
        let series = SeriesData {
            label: "Orders".into(),
            bucket: "day".into(),
            points: Default::default(),
            previous: None,
            format: Default::default(),
        };
        assert_eq!(
            testing::render::<Label>(r#"{"metric":"m","bucket":"day"}"#, series, &ctx),
            Ok("Orders".into())
        );
    }

    #[test]
    fn an_alert_rule_ignores_the_alerts_metric_only() {
        let input = || testing::alert_input("m", Some(2.0), None);
        let e = testing::evaluate::<Above>(r#"{"metric":"m","limit":1}"#, input()).unwrap();
        assert_eq!(e.state, AlertState::Firing);
        assert!(matches!(
            testing::evaluate::<Above>(r#"{"limit":1,"extra":0}"#, input()),
            Err(PluginError::InvalidConfig(m)) if m.contains("unknown field `extra`")
        ));
        let info = testing::describe_alert_rule::<Above>();
        let schema: serde_json::Value = serde_json::from_str(&info.config_schema).unwrap();
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["required"], serde_json::json!(["limit"]));
        assert_eq!(schema["properties"]["metric"]["type"], "string");
    }

    #[test]
    fn an_exporter_reads_its_config_and_sessions_end_cleanly() {
        let info = testing::describe_exporter::<Rows>();
        assert_eq!(
            (info.media_type.as_str(), info.file_extension.as_str()),
            ("text/plain", "txt")
        );
        assert!(matches!(
            open::<Rows>(testing::export_options("{}"), vec![]),
            Err(PluginError::InvalidConfig(m)) if m.contains("missing field `limit`")
        ));
        let session = || {
            let s = open::<Rows>(testing::export_options(r#"{"limit":1}"#), vec![]).unwrap();
            SessionAdapter(RefCell::new(Some(s)))
        };

        let s = session();
        s.write(batch(2)).unwrap();
        assert_eq!(s.finish(), Ok(b"2".to_vec()));
        assert_eq!(
            s.write(batch(1)),
            Err(PluginError::Internal(
                "export session already finished".into()
            ))
        );

        // A failed call ends the session: later calls are refused, not resumed.
        let s = session();
        assert!(matches!(
            s.write(batch(0)),
            Err(PluginError::InvalidData(_))
        ));
        assert!(matches!(s.finish(), Err(PluginError::Internal(_))));
        // Sections are refused unless the format opts in.
        let s = session();
        let section = Section {
            title: "Part".into(),
            chart: crate::ChartKind::None,
            schema: vec![],
        };
        assert!(
            matches!(s.begin_section(section), Err(PluginError::InvalidData(m)) if m.contains("multi-part"))
        );
    }
}
