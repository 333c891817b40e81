//! Typed handles to loaded plugins: one per kind, each call in a fresh store
//! (an export session keeps one store for its lifetime).

use std::sync::Arc;

use tokio::sync::OwnedSemaphorePermit;
use wasmtime::Store;
use wasmtime::component::ResourceAny;

use wasmdash_frame::{Batch, ColumnSchema, WidgetData};

use super::bindings::{self, exporter, wit};
use super::error::{MAX_PLUGIN_TEXT_BYTES, PluginError, Result, excerpt};
use super::info::{AlertInput, Evaluation, ExportOptions, PluginInfo, RenderContext};
use super::loaded::{Exports, LoadedPlugin};
use super::runtime::Outcome;
use super::sandbox::HostState;

/// Map the guest's own `plugin-error` to ours, keeping only an excerpt
/// of its message: whatever a plugin returns, an error stays small on
/// every page, export and history entry it reaches.
fn guest_error(plugin: &str, e: wit::PluginError) -> PluginError {
    let plugin = plugin.to_owned();
    let cut = |m: String| excerpt(&m, MAX_PLUGIN_TEXT_BYTES);
    match e {
        wit::PluginError::InvalidConfig(m) => PluginError::InvalidConfig {
            plugin,
            message: cut(m),
        },
        wit::PluginError::InvalidData(m) => PluginError::InvalidData {
            plugin,
            message: cut(m),
        },
        wit::PluginError::Internal(m) => PluginError::Internal {
            plugin,
            message: cut(m),
        },
    }
}

fn check_size(plugin: &str, size: usize, limit: u64) -> Result<()> {
    if size as u64 > limit {
        return Err(PluginError::OutputTooLarge {
            plugin: plugin.to_owned(),
            size: size as u64,
            limit,
        });
    }
    Ok(())
}

/// A widget plugin.
#[derive(Debug, Clone)]
pub struct WidgetPlugin(pub(crate) Arc<LoadedPlugin>);

impl WidgetPlugin {
    /// What the widget says about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.0.info
    }

    /// Render the widget to an HTML fragment (not yet sanitized).
    pub async fn render(
        &self,
        config: &str,
        data: &WidgetData,
        ctx: &RenderContext,
    ) -> Result<String> {
        let p = &self.0;
        let (id, rt) = (p.info.id.as_str(), &p.runtime);
        let Exports::Widget(indices) = &p.exports else {
            unreachable!("WidgetPlugin is only built from widget exports")
        };
        let view = bindings::WidgetDataView::new(data);
        let columns = view.columns();
        let data = view.wit(&columns);
        let ctx = bindings::render_context(ctx);
        let _slot = rt.slot(id).await?;
        let mut store = rt.new_store(id);
        rt.arm(&mut store);
        let outcome = rt
            .with_deadline(async {
                let instance = p.pre.instantiate_async(&mut store).await?;
                let guest = indices.load(&mut store, &instance)?;
                guest.call_render(&mut store, config, data, ctx).await
            })
            .await;
        let html = rt
            .settle(id, &store, outcome)?
            .map_err(|e| guest_error(id, e))?;
        check_size(id, html.len(), rt.max_output_bytes())?;
        Ok(html)
    }
}

/// An exporter plugin.
#[derive(Debug, Clone)]
pub struct ExporterPlugin(pub(crate) Arc<LoadedPlugin>);

impl ExporterPlugin {
    /// What the exporter says about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.0.info
    }

    /// Start an export of rows with `schema`. The session holds one sandbox
    /// slot until it is finished or dropped.
    pub async fn open(
        &self,
        options: &ExportOptions,
        schema: &[ColumnSchema],
    ) -> Result<ExportSession> {
        let p = &self.0;
        let (id, rt) = (p.info.id.as_str(), &p.runtime);
        let Exports::Exporter(indices) = &p.exports else {
            unreachable!("ExporterPlugin is only built from exporter exports")
        };
        let options = bindings::export_options(options);
        let schema: Vec<_> = schema.iter().map(bindings::column_schema).collect();
        let slot = rt.slot(id).await?;
        let mut store = rt.new_store(id);
        rt.arm_export(&mut store);
        let outcome = rt
            .with_export_deadline(async {
                let instance = p.pre.instantiate_async(&mut store).await?;
                let guest = indices.load(&mut store, &instance)?;
                let session = guest.call_open(&mut store, options, &schema).await?;
                Ok((guest, session))
            })
            .await;
        let (guest, session) = rt.settle(id, &store, outcome)?;
        let handle = session.map_err(|e| guest_error(id, e))?;
        Ok(ExportSession {
            plugin: p.clone(),
            store,
            guest,
            handle,
            broken: false,
            _slot: slot,
        })
    }
}

/// One export in progress: `write` each batch, then `finish`.
pub struct ExportSession {
    plugin: Arc<LoadedPlugin>,
    store: Store<HostState>,
    guest: exporter::Guest,
    handle: ResourceAny,
    /// Set after any failure: the guest may be mid-call, so refuse more calls.
    broken: bool,
    _slot: OwnedSemaphorePermit,
}

impl std::fmt::Debug for ExportSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportSession")
            .field("plugin", &self.plugin.info.id)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

/// How one part of a multi-part report (a dashboard widget) is drawn, and so
/// which columns its rows carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// No chart: the part is a table with its own columns.
    None,
    /// A time series: `time` (timestamp), `value` (float64), `previous`
    /// (float64, may be null).
    Line,
    /// Values by category: `label` (text), `value` (float64).
    Bar,
    /// Shares of a whole: `label` (text), `value` (float64).
    Pie,
    /// One big number: `label` (text), `value` (float64), `previous`
    /// (float64, may be null).
    Value,
}

impl ExportSession {
    /// Start a new titled part of a report (open the session with an empty
    /// schema first); the `write` calls that follow carry rows of `schema`.
    /// Returns the bytes to append to the output. An exporter that does not
    /// support reports refuses with [`PluginError::InvalidData`].
    pub async fn begin_section(
        &mut self,
        title: &str,
        chart: ChartKind,
        schema: &[ColumnSchema],
    ) -> Result<Vec<u8>> {
        let schema: Vec<_> = schema.iter().map(bindings::column_schema).collect();
        let section = bindings::section(title, chart, &schema);
        let p = self.start_call()?;
        let session = self.guest.session();
        let call = session.call_begin_section(&mut self.store, self.handle, section);
        let outcome = p.runtime.with_export_deadline(call).await;
        self.end_call(&p, outcome)
    }

    /// Encode one batch; returns the bytes to append to the output.
    pub async fn write(&mut self, batch: &Batch) -> Result<Vec<u8>> {
        let view = bindings::BatchView::new(batch);
        let columns = view.columns();
        let batch = view.wit(&columns);
        let p = self.start_call()?;
        let session = self.guest.session();
        let call = session.call_write(&mut self.store, self.handle, batch);
        let outcome = p.runtime.with_export_deadline(call).await;
        self.end_call(&p, outcome)
    }

    /// End the export; returns the final bytes.
    pub async fn finish(mut self) -> Result<Vec<u8>> {
        let p = self.start_call()?;
        let session = self.guest.session();
        let call = session.call_finish(&mut self.store, self.handle);
        let outcome = p.runtime.with_export_deadline(call).await;
        let bytes = self.end_call(&p, outcome)?;
        // Dropping the resource runs the guest's destructor; its failure
        // cannot change the finished output, so it is only logged.
        let rt = &p.runtime;
        rt.arm_export(&mut self.store);
        let outcome = rt
            .with_export_deadline(self.handle.resource_drop_async(&mut self.store))
            .await;
        if let Err(e) = rt.settle(&p.info.id, &self.store, outcome) {
            tracing::warn!(error = %e, "exporter session destructor failed");
        }
        Ok(bytes)
    }

    /// Refuse calls after a failure; arm the deadline of the next call.
    fn start_call(&mut self) -> Result<Arc<LoadedPlugin>> {
        let p = self.plugin.clone();
        if self.broken {
            return Err(PluginError::Internal {
                plugin: p.info.id.clone(),
                message: "export session already failed".into(),
            });
        }
        p.runtime.arm_export(&mut self.store);
        Ok(p)
    }

    /// Turn a call's outcome into its bytes, checking their size; any
    /// failure breaks the session.
    fn end_call(
        &mut self,
        p: &LoadedPlugin,
        outcome: Outcome<std::result::Result<Vec<u8>, wit::PluginError>>,
    ) -> Result<Vec<u8>> {
        let (id, rt) = (p.info.id.as_str(), &p.runtime);
        let result = rt
            .settle(id, &self.store, outcome)
            .and_then(|r| r.map_err(|e| guest_error(id, e)))
            .and_then(|bytes| check_size(id, bytes.len(), rt.max_output_bytes()).map(|()| bytes));
        self.broken = result.is_err();
        result
    }
}

/// An alert-rule plugin.
#[derive(Debug, Clone)]
pub struct AlertRulePlugin(pub(crate) Arc<LoadedPlugin>);

impl AlertRulePlugin {
    /// What the rule says about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.0.info
    }

    /// Evaluate the rule with its JSON config against `input`.
    pub async fn evaluate(&self, config: &str, input: &AlertInput) -> Result<Evaluation> {
        let p = &self.0;
        let (id, rt) = (p.info.id.as_str(), &p.runtime);
        let Exports::AlertRule(indices) = &p.exports else {
            unreachable!("AlertRulePlugin is only built from alert-rule exports")
        };
        let input = bindings::alert_input(input);
        let _slot = rt.slot(id).await?;
        let mut store = rt.new_store(id);
        rt.arm(&mut store);
        let outcome = rt
            .with_deadline(async {
                let instance = p.pre.instantiate_async(&mut store).await?;
                let guest = indices.load(&mut store, &instance)?;
                guest.call_evaluate(&mut store, config, input).await
            })
            .await;
        let mut evaluation = rt
            .settle(id, &store, outcome)?
            .map_err(|e| guest_error(id, e))?;
        check_size(id, evaluation.message.len(), rt.max_output_bytes())?;
        // The sentence goes into emails and every history entry.
        evaluation.message = excerpt(&evaluation.message, MAX_PLUGIN_TEXT_BYTES);
        Ok(bindings::evaluation(evaluation))
    }
}

/// Web handlers and export streams need `Send` futures; fail the build here
/// rather than in their code if a change breaks that.
#[cfg(test)]
#[expect(dead_code, reason = "only type-checked, never called")]
#[expect(
    clippy::too_many_arguments,
    reason = "one of each value the calls take"
)]
fn calls_are_send(
    w: &WidgetPlugin,
    e: &ExporterPlugin,
    s: &mut ExportSession,
    a: &AlertRulePlugin,
    data: &WidgetData,
    ctx: &RenderContext,
    options: &ExportOptions,
    batch: &Batch,
    input: &AlertInput,
) {
    fn is_send<T: Send>(_: &T) {}
    is_send(&w.render("", data, ctx));
    is_send(&e.open(options, &[]));
    is_send(&s.write(batch));
    is_send(&s.begin_section("", ChartKind::Line, &[]));
    is_send(&a.evaluate("", input));
}

#[cfg(test)]
fn _session_is_send(s: ExportSession) -> impl Send {
    s.finish()
}
