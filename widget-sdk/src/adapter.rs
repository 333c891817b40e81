//! Glue between the façade traits and the generated `Guest` traits. Public
//! only because `export_plugin!` names it from the plugin crate.

use std::cell::RefCell;
use std::marker::PhantomData;

use crate::plugin::{AlertRule, ExportSession, Exporter, Widget};
use crate::types::{
    AlertInput, AlertRuleInfo, Batch, ColumnSchema, Evaluation, ExportOptions, ExporterInfo,
    PluginError, RenderContext, Section, WidgetData, WidgetInfo,
};
use crate::wit::{alert_rule_plugin, exporter_plugin, widget_plugin};

/// Implements the generated widget `Guest` for any [`Widget`].
pub struct WidgetAdapter<T>(PhantomData<T>);

impl<T: Widget> widget_plugin::Guest for WidgetAdapter<T> {
    fn describe() -> WidgetInfo {
        T::describe()
    }

    fn render(
        config: String,
        data: WidgetData,
        context: RenderContext,
    ) -> Result<String, PluginError> {
        T::render(&config, data, &context)
    }
}

/// Implements the generated alert-rule `Guest` for any [`AlertRule`].
pub struct AlertRuleAdapter<T>(PhantomData<T>);

impl<T: AlertRule> alert_rule_plugin::Guest for AlertRuleAdapter<T> {
    fn describe() -> AlertRuleInfo {
        T::describe()
    }

    fn evaluate(config: String, input: AlertInput) -> Result<Evaluation, PluginError> {
        T::evaluate(&config, input)
    }
}

/// Implements the generated exporter `Guest` for any [`Exporter`].
pub struct ExporterAdapter<T>(PhantomData<T>);

impl<T: Exporter> exporter_plugin::Guest for ExporterAdapter<T> {
    type Session = SessionAdapter<T::Session>;

    fn describe() -> ExporterInfo {
        T::describe()
    }

    fn open(
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<exporter_plugin::Session, PluginError> {
        let session = T::open(options, schema)?;
        Ok(exporter_plugin::Session::new(SessionAdapter(RefCell::new(
            Some(session),
        ))))
    }
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
