//! Typed handles to loaded plugins: one per kind, built only from a plugin
//! of that kind (so no call checks the kind again). Every guest call goes
//! through [`PluginRuntime::call`](super::runtime::PluginRuntime::call):
//! slot, deadline, settle. Each call runs in a fresh store (an export
//! session keeps one store for its lifetime).

use std::sync::Arc;
use std::time::Instant;

use wasmtime::Store;
use wasmtime::component::ResourceAny;

use wasmdash_frame::{Batch, ColumnSchema, DataShape, WidgetData};

use super::bindings::{self, alert, exporter, widget, wit};
use super::display::Display;
use super::error::{MAX_PLUGIN_TEXT_BYTES, PluginError, Result, excerpt};
use super::info::{AlertInput, Evaluation, ExportOptions, KindInfo, PluginInfo, RenderContext};
use super::loaded::{Exports, LoadedPlugin};
use super::observe;
use super::runtime::{Budget, Sandbox};
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
#[derive(Clone)]
pub struct WidgetPlugin {
    plugin: Arc<LoadedPlugin>,
    guest: widget::GuestIndices,
    shape: DataShape,
}

impl std::fmt::Debug for WidgetPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("WidgetPlugin").field(&self.plugin).finish()
    }
}

impl WidgetPlugin {
    /// The handle of `plugin`, if it is a widget.
    pub(crate) fn of(plugin: Arc<LoadedPlugin>) -> Option<Self> {
        let (Exports::Widget(guest), KindInfo::Widget { shape }) =
            (&plugin.exports, &plugin.info.kind)
        else {
            return None;
        };
        Some(Self {
            guest: guest.clone(),
            shape: *shape,
            plugin,
        })
    }

    /// What the widget says about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.plugin.info
    }

    /// The data shape `render` expects.
    pub fn shape(&self) -> DataShape {
        self.shape
    }

    /// Render the widget to an HTML fragment (not yet sanitized).
    pub async fn render(
        &self,
        config: &str,
        data: &WidgetData,
        ctx: &RenderContext,
    ) -> Result<String> {
        self.render_with(config, data, ctx, &Display::default())
            .await
    }

    /// [`render`](Self::render), with what the `display` import answers
    /// during the call.
    pub async fn render_with(
        &self,
        config: &str,
        data: &WidgetData,
        ctx: &RenderContext,
        display: &Display,
    ) -> Result<String> {
        let started = Instant::now();
        let result = self.render_once(config, data, ctx, display).await;
        observe::record(&self.plugin.info.meta.id, started, &result);
        result
    }

    async fn render_once(
        &self,
        config: &str,
        data: &WidgetData,
        ctx: &RenderContext,
        display: &Display,
    ) -> Result<String> {
        let p = &self.plugin;
        let (id, rt) = (p.info.meta.id.as_str(), &p.runtime);
        let view = bindings::WidgetDataView::new(data);
        let columns = view.columns();
        let data = view.wit(&columns);
        let ctx = bindings::render_context(ctx);
        let mut sandbox = rt.sandbox(id).await?;
        sandbox.store.data_mut().display = display.clone();
        let html = rt
            .call(id, &mut sandbox.store, Budget::Call, async |store| {
                let instance = p.pre.instantiate_async(&mut *store).await?;
                let guest = self.guest.load(&mut *store, &instance)?;
                guest.call_render(store, config, data, ctx).await
            })
            .await?
            .map_err(|e| guest_error(id, e))?;
        check_size(id, html.len(), rt.max_output_bytes())?;
        Ok(html)
    }
}

/// An exporter plugin.
#[derive(Clone)]
pub struct ExporterPlugin {
    plugin: Arc<LoadedPlugin>,
    guest: exporter::GuestIndices,
}

impl std::fmt::Debug for ExporterPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ExporterPlugin").field(&self.plugin).finish()
    }
}

impl ExporterPlugin {
    /// The handle of `plugin`, if it is an exporter.
    pub(crate) fn of(plugin: Arc<LoadedPlugin>) -> Option<Self> {
        let Exports::Exporter(guest) = &plugin.exports else {
            return None;
        };
        Some(Self {
            guest: guest.clone(),
            plugin,
        })
    }

    /// What the exporter says about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.plugin.info
    }

    /// Media type of the output, e.g. `text/csv; charset=utf-8`.
    pub fn media_type(&self) -> &str {
        self.info()
            .media_type()
            .unwrap_or("application/octet-stream")
    }

    /// File extension of the output, without the dot.
    pub fn file_extension(&self) -> &str {
        self.info().file_extension().unwrap_or("bin")
    }

    /// Start an export of rows with `schema`. The session holds one sandbox
    /// slot until it is finished or dropped.
    pub async fn open(
        &self,
        options: &ExportOptions,
        schema: &[ColumnSchema],
    ) -> Result<ExportSession> {
        self.open_with(options, schema, &Display::default()).await
    }

    /// [`open`](Self::open), with what the `display` import answers about
    /// `schema` (its column formats, in order).
    pub async fn open_with(
        &self,
        options: &ExportOptions,
        schema: &[ColumnSchema],
        display: &Display,
    ) -> Result<ExportSession> {
        let started = Instant::now();
        let result = self.open_once(options, schema, display).await;
        observe::record(&self.plugin.info.meta.id, started, &result);
        result
    }

    async fn open_once(
        &self,
        options: &ExportOptions,
        schema: &[ColumnSchema],
        display: &Display,
    ) -> Result<ExportSession> {
        let p = &self.plugin;
        let (id, rt) = (p.info.meta.id.as_str(), &p.runtime);
        let options = bindings::export_options(options);
        let schema: Vec<_> = schema.iter().map(bindings::column_schema).collect();
        let mut sandbox = rt.session_sandbox(id).await?;
        sandbox.store.data_mut().display = display.clone();
        let (guest, session) = rt
            .call(id, &mut sandbox.store, Budget::Export, async |store| {
                let instance = p.pre.instantiate_async(&mut *store).await?;
                let guest = self.guest.load(&mut *store, &instance)?;
                let session = guest.call_open(store, options, &schema).await?;
                Ok((guest, session))
            })
            .await?;
        let handle = session.map_err(|e| guest_error(id, e))?;
        Ok(ExportSession {
            plugin: p.clone(),
            sandbox,
            guest,
            handle,
            broken: false,
        })
    }
}

/// One export in progress: `write` each batch, then `finish`.
pub struct ExportSession {
    plugin: Arc<LoadedPlugin>,
    sandbox: Sandbox,
    guest: exporter::Guest,
    handle: ResourceAny,
    /// Set after any failure: the guest may be mid-call, so refuse more calls.
    broken: bool,
}

impl std::fmt::Debug for ExportSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportSession")
            .field("plugin", &self.plugin.info.meta.id)
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
        self.begin_section_with(title, chart, schema, &Display::default())
            .await
    }

    /// [`begin_section`](Self::begin_section), with what the `display`
    /// import answers about this section (its column formats, its metric's
    /// format and direction) until the next one.
    pub async fn begin_section_with(
        &mut self,
        title: &str,
        chart: ChartKind,
        schema: &[ColumnSchema],
        display: &Display,
    ) -> Result<Vec<u8>> {
        self.sandbox.store.data_mut().display = display.clone();
        let schema: Vec<_> = schema.iter().map(bindings::column_schema).collect();
        let section = bindings::section(title, chart, &schema);
        self.session_call(async |store, guest, handle| {
            guest
                .session()
                .call_begin_section(store, handle, section)
                .await
        })
        .await
    }

    /// Encode one batch; returns the bytes to append to the output.
    pub async fn write(&mut self, batch: &Batch) -> Result<Vec<u8>> {
        let view = bindings::BatchView::new(batch);
        let columns = view.columns();
        let batch = view.wit(&columns);
        self.session_call(async |store, guest, handle| {
            guest.session().call_write(store, handle, batch).await
        })
        .await
    }

    /// End the export; returns the final bytes.
    pub async fn finish(mut self) -> Result<Vec<u8>> {
        let bytes = self
            .session_call(async |store, guest, handle| {
                guest.session().call_finish(store, handle).await
            })
            .await?;
        let handle = self.handle;
        // Dropping the resource runs the guest's destructor; its failure
        // cannot change the finished output, so it is only logged.
        let p = &self.plugin;
        let dropped = p
            .runtime
            .call(
                &p.info.meta.id,
                &mut self.sandbox.store,
                Budget::Export,
                async |store| handle.resource_drop_async(store).await,
            )
            .await;
        if let Err(e) = dropped {
            tracing::warn!(error = %e, "exporter session destructor failed");
        }
        Ok(bytes)
    }

    /// One session call through the runtime's call path: refused after a
    /// failure; the bytes' size checked; any failure breaks the session.
    async fn session_call(
        &mut self,
        call: impl AsyncFnOnce(
            &mut Store<HostState>,
            &exporter::Guest,
            ResourceAny,
        )
            -> wasmtime::Result<std::result::Result<Vec<u8>, wit::PluginError>>,
    ) -> Result<Vec<u8>> {
        let p = self.plugin.clone();
        let (id, rt) = (p.info.meta.id.as_str(), &p.runtime);
        if self.broken {
            return Err(PluginError::Internal {
                plugin: id.to_owned(),
                message: "export session already failed".into(),
            });
        }
        let (guest, handle) = (&self.guest, self.handle);
        let started = Instant::now();
        let result = rt
            .call(id, &mut self.sandbox.store, Budget::Export, async |store| {
                call(store, guest, handle).await
            })
            .await
            .and_then(|r| r.map_err(|e| guest_error(id, e)))
            .and_then(|bytes| check_size(id, bytes.len(), rt.max_output_bytes()).map(|()| bytes));
        observe::record(id, started, &result);
        self.broken = result.is_err();
        result
    }
}

/// An alert-rule plugin.
#[derive(Clone)]
pub struct AlertRulePlugin {
    plugin: Arc<LoadedPlugin>,
    guest: alert::GuestIndices,
}

impl std::fmt::Debug for AlertRulePlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("AlertRulePlugin")
            .field(&self.plugin)
            .finish()
    }
}

impl AlertRulePlugin {
    /// The handle of `plugin`, if it is an alert rule.
    pub(crate) fn of(plugin: Arc<LoadedPlugin>) -> Option<Self> {
        let Exports::AlertRule(guest) = &plugin.exports else {
            return None;
        };
        Some(Self {
            guest: guest.clone(),
            plugin,
        })
    }

    /// What the rule says about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.plugin.info
    }

    /// Evaluate the rule with its JSON config against `input`.
    pub async fn evaluate(&self, config: &str, input: &AlertInput) -> Result<Evaluation> {
        self.evaluate_with(config, input, &Display::default()).await
    }

    /// [`evaluate`](Self::evaluate), with what the `display` import answers
    /// (the metric's value format and direction).
    pub async fn evaluate_with(
        &self,
        config: &str,
        input: &AlertInput,
        display: &Display,
    ) -> Result<Evaluation> {
        let started = Instant::now();
        let result = self.evaluate_once(config, input, display).await;
        observe::record(&self.plugin.info.meta.id, started, &result);
        result
    }

    async fn evaluate_once(
        &self,
        config: &str,
        input: &AlertInput,
        display: &Display,
    ) -> Result<Evaluation> {
        let p = &self.plugin;
        let (id, rt) = (p.info.meta.id.as_str(), &p.runtime);
        let input = bindings::alert_input(input);
        let mut sandbox = rt.sandbox(id).await?;
        sandbox.store.data_mut().display = display.clone();
        let mut evaluation = rt
            .call(id, &mut sandbox.store, Budget::Call, async |store| {
                let instance = p.pre.instantiate_async(&mut *store).await?;
                let guest = self.guest.load(&mut *store, &instance)?;
                guest.call_evaluate(store, config, input).await
            })
            .await?
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
