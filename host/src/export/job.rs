//! [`ExportJobBuilder`] checks an export request and opens everything it
//! needs (exporter session, database cursor) before the first byte, so bad
//! input is refused with a clear error; [`ExportJob::spawn`] then streams
//! the output through a bounded channel.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use chrono::{DateTime, Offset, TimeZone, Utc};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::error::{ExportError, Result};
use super::file_name::file_name;
use super::looks;
use super::per_user::ExportTicket;
use super::report::{self, Section, TableRows};
use super::source::{DatasetExport, ExportSource};
use super::stream::ExportStream;
use super::tables::{self, Table};
use crate::data::{BatchStream, BucketSpec, DataEngine, RangeSpec, RowsQuery};
use crate::frame::{ColumnSchema, DataShape};
use crate::plugins::{
    Display, ExportOptions, ExportSession, ExporterPlugin, PluginInfo, PluginKind, PluginRegistry,
};
use crate::widget::{WidgetQuery, fetch, query_for};

/// Rows per batch read from the database and handed to the exporter: small
/// enough that one `write` stays far below the plugin deadline and output
/// limit, large enough that per-call costs do not matter.
pub const BATCH_ROWS: usize = 2_000;

/// Chunks buffered between the exporter and the reader (the HTTP body or
/// the CLI's file): with the database channel, this is all that is held.
pub const CHANNEL_CHUNKS: usize = 4;

/// Builds an [`ExportJob`]: format, source, range, options.
#[derive(Debug)]
pub struct ExportJobBuilder {
    data: Arc<DataEngine>,
    plugins: Arc<PluginRegistry>,
    format: String,
    source: Option<ExportSource>,
    range: Option<RangeSpec>,
    options: serde_json::Value,
    batch_rows: usize,
    table_rows: TableRows,
    now: Option<DateTime<Utc>>,
    /// An exporter given directly rather than looked up by `format`.
    exporter: Option<ExporterPlugin>,
}

/// Counts rows handed to the exporter; readable while the job runs (for
/// progress indicators).
#[derive(Debug, Clone, Default)]
pub struct ExportProgress(Arc<AtomicU64>);

impl ExportProgress {
    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self, n: u32) {
        self.0.fetch_add(u64::from(n), Ordering::Relaxed);
    }
}

/// Where the rows of a job come from, ready to be read.
enum Plan {
    /// A database cursor.
    Stream(BatchStream),
    /// One table, already read.
    Table(Table),
    /// Report parts, already read (aggregates and capped tables).
    Report(Vec<Section>),
}

/// An export ready to run: its session is open and its data source is
/// ready, so from here on only streaming failures remain.
pub struct ExportJob {
    info: PluginInfo,
    media_type: String,
    file_name: String,
    session: ExportSession,
    plan: Plan,
    progress: ExportProgress,
    /// The user's download slot, given back when the job ends.
    ticket: Option<ExportTicket>,
}

impl std::fmt::Debug for ExportJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportJob")
            .field("format", &self.info.meta.id)
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

impl ExportJobBuilder {
    /// An export with the exporter plugin `format` (e.g. `csv`).
    pub fn new(data: Arc<DataEngine>, plugins: Arc<PluginRegistry>, format: &str) -> Self {
        Self {
            data,
            plugins,
            format: format.to_owned(),
            source: None,
            range: None,
            options: serde_json::Value::Object(serde_json::Map::new()),
            batch_rows: BATCH_ROWS,
            table_rows: TableRows::Page,
            now: None,
            exporter: None,
        }
    }

    /// Export with `exporter` itself instead of the installed plugin named
    /// by the format (`wasmdash plugins preview` of an exporter file).
    pub fn exporter(mut self, exporter: ExporterPlugin) -> Self {
        self.exporter = Some(exporter);
        self
    }

    /// What to export.
    pub fn source(mut self, source: ExportSource) -> Self {
        self.source = Some(source);
        self
    }

    /// The time range; without one a dataset is exported whole and
    /// widgets, metrics and dashboards use the dashboard default (30 days).
    pub fn range(mut self, range: Option<RangeSpec>) -> Self {
        self.range = range;
        self
    }

    /// The exporter's JSON options (checked by the exporter on open).
    pub fn options(mut self, options: serde_json::Value) -> Self {
        self.options = options;
        self
    }

    /// Rows per batch (1..=100,000; default [`BATCH_ROWS`]).
    pub fn batch_rows(mut self, rows: usize) -> Self {
        self.batch_rows = rows;
        self
    }

    /// How many rows of each table widget a dashboard report shows (its
    /// page size unless [`TableRows::Full`]).
    pub fn table_rows(mut self, rows: TableRows) -> Self {
        self.table_rows = rows;
        self
    }

    /// "Now" for the range and the generation time (tests).
    pub fn now(mut self, now: DateTime<Utc>) -> Self {
        self.now = Some(now);
        self
    }

    /// Check everything and open the exporter and the data source.
    pub async fn build(self) -> Result<ExportJob> {
        let found = match self.exporter {
            Some(exporter) => Ok(exporter),
            None => self.plugins.exporter(&self.format),
        };
        let exporter = found.map_err(|_| {
            let mut installed: Vec<String> = self
                .plugins
                .list()
                .into_iter()
                .filter(|p| p.kind == PluginKind::Exporter)
                .map(|p| p.meta.id)
                .collect();
            installed.sort();
            ExportError::UnknownFormat {
                format: self.format.chars().take(40).collect(),
                installed: installed.join(", "),
            }
        })?;
        if !self.options.is_object() {
            return Err(ExportError::BadOptions(
                "options must be a JSON object".into(),
            ));
        }
        let source = self
            .source
            .ok_or_else(|| ExportError::BadSource("nothing to export was named".into()))?;
        let range = match self.range {
            Some(r) => Some(r),
            None if source.needs_range() => Some(RangeSpec::DEFAULT),
            None => None,
        };
        let tz = self.data.timezone();
        let now = self.now.unwrap_or_else(Utc::now);
        let resolved = range.map(|r| r.resolve(now, tz)).transpose()?;
        let data = &self.data;
        let (title, schema, plan, display) = match &source {
            ExportSource::Dataset(d) => {
                let label = data
                    .datasets()
                    .into_iter()
                    .find(|i| i.name == d.name)
                    .map_or_else(|| d.name.clone(), |i| i.label);
                let (schema, stream) = dataset_stream(data, d, range, self.batch_rows).await?;
                let display = Display {
                    columns: looks::of_schema(&schema),
                    ..Display::default()
                };
                (label, schema, Plan::Stream(stream), display)
            }
            ExportSource::Metric { name } => {
                let range = range.unwrap_or(RangeSpec::DEFAULT);
                let series = data.series(name, &range, BucketSpec::Auto, false).await?;
                let t = tables::series(&series);
                let display = Display {
                    higher_is_better: looks::metric_higher_is_better(data, name),
                    ..looks::of_series(&series)
                };
                (series.label, t.schema.clone(), Plan::Table(t), display)
            }
            ExportSource::Widget(w) => {
                let range = range.unwrap_or(RangeSpec::DEFAULT);
                let plugin = self.plugins.widget(&w.plugin)?;
                let shape = plugin.shape();
                let query =
                    query_for(&plugin, &w.config).map_err(|source| ExportError::Binding {
                        widget: w.title.clone(),
                        source,
                    })?;
                match query {
                    WidgetQuery::Rows {
                        dataset,
                        columns,
                        order_by,
                        descending,
                        ..
                    } if shape == DataShape::Rows => {
                        let d = DatasetExport {
                            name: dataset,
                            columns,
                            filters: Vec::new(),
                            order_by,
                            descending,
                        };
                        let (schema, stream) =
                            dataset_stream(data, &d, Some(range), self.batch_rows).await?;
                        let display = Display {
                            columns: looks::of_schema(&schema),
                            ..Display::default()
                        };
                        (w.title.clone(), schema, Plan::Stream(stream), display)
                    }
                    query => {
                        let fetched = fetch(data, &query, &range, 0).await?;
                        let display = looks::of_widget(data, w, &fetched);
                        let dimension = looks::dimension_label(data, w, &fetched);
                        let t = tables::of(fetched, dimension.as_deref());
                        (w.title.clone(), t.schema.clone(), Plan::Table(t), display)
                    }
                }
            }
            ExportSource::Dashboard { title, widgets } => {
                let range = range.unwrap_or(RangeSpec::DEFAULT);
                let sections =
                    report::sections(data, &self.plugins, widgets, &range, self.table_rows).await;
                (
                    title.clone(),
                    Vec::new(),
                    Plan::Report(sections),
                    Display::default(),
                )
            }
        };
        let end = resolved.as_ref().map_or(now, |r| {
            Utc.timestamp_millis_opt(r.current.end_ms)
                .single()
                .unwrap_or(now)
        });
        let offset = tz.offset_from_utc_datetime(&end.naive_utc()).fix();
        let options = ExportOptions {
            config: self.options.to_string(),
            title: title.clone(),
            time_range: resolved.map(|r| r.current),
            timezone: tz.name().to_owned(),
            utc_offset_minutes: offset.local_minus_utc() / 60,
            generated_at_ms: now.timestamp_millis(),
        };
        let session = exporter.open_with(&options, &schema, &display).await?;
        let ext = exporter.file_extension().to_owned();
        let media_type = exporter.media_type().to_owned();
        let info = exporter.info().clone();
        let range_label = range.map(|r| r.to_string());
        let file_name = file_name(
            &title,
            range_label.as_deref(),
            now.with_timezone(&tz).date_naive(),
            &ext,
        );
        Ok(ExportJob {
            info,
            media_type,
            file_name,
            session,
            plan,
            progress: ExportProgress::default(),
            ticket: None,
        })
    }
}

/// Let the reader take and pass on everything sent so far before the
/// error follows: an HTTP server aborts the connection on a body error and
/// may drop output it has buffered but not yet written, the marker line
/// included.
async fn settle(tx: &mpsc::Sender<Result<Bytes>>) {
    let step = std::time::Duration::from_millis(5);
    for _ in 0..400 {
        if tx.is_closed() || tx.capacity() == tx.max_capacity() {
            break;
        }
        tokio::time::sleep(step).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}

async fn dataset_stream(
    data: &DataEngine,
    d: &DatasetExport,
    range: Option<RangeSpec>,
    batch_rows: usize,
) -> Result<(Vec<ColumnSchema>, BatchStream)> {
    let query = RowsQuery {
        columns: d.columns.clone(),
        range,
        filters: d.filters.clone(),
        order_by: d.order_by.clone(),
        descending: d.descending,
        limit: None,
        offset: 0,
    };
    Ok(data.stream_rows(&d.name, &query, batch_rows).await?)
}

impl ExportJob {
    /// The job, holding `ticket` (a user's download slot) until it ends.
    pub(crate) fn holding(mut self, ticket: ExportTicket) -> Self {
        self.ticket = Some(ticket);
        self
    }

    /// The exporter's media type, e.g. `text/csv; charset=utf-8`.
    pub fn media_type(&self) -> &str {
        &self.media_type
    }

    /// The exporter's id.
    pub fn format(&self) -> &str {
        &self.info.meta.id
    }

    /// `<title>_<range>_<YYYY-MM-DD>.<ext>`, safe for headers and disks.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Rows written so far, readable while the job runs.
    pub fn progress(&self) -> ExportProgress {
        self.progress.clone()
    }

    /// Run on its own task; read the output from the returned stream.
    /// Dropping the stream stops the job and the database query.
    pub fn spawn(self) -> ExportStream {
        let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
        let media_type = self.media_type().to_owned();
        let format = self.info.meta.id.clone();
        let file_name = self.file_name.clone();
        let progress = self.progress.clone();
        tokio::spawn(async move {
            match self.run(&tx).await {
                Ok(()) => tracing::info!(
                    %format, file = %file_name, rows = progress.rows(), "export finished"
                ),
                Err(ExportError::Cancelled) => tracing::info!(
                    %format, file = %file_name, rows = progress.rows(),
                    "export stopped: the reader went away"
                ),
                Err(e) => {
                    tracing::error!(
                        %format, file = %file_name, rows = progress.rows(), error = %e,
                        "export failed mid-stream"
                    );
                    let marker = super::stream::failure_marker(&media_type, &e.public_message());
                    // The reader may be gone already; nothing else to do.
                    if tx.send(Ok(marker)).await.is_ok() {
                        settle(&tx).await;
                        let _ = tx.send(Err(e)).await;
                    }
                }
            }
        });
        ExportStream::new(rx)
    }

    async fn run(mut self, tx: &mpsc::Sender<Result<Bytes>>) -> Result<()> {
        let send = |bytes: Vec<u8>| async move {
            if bytes.is_empty() {
                return Ok(());
            }
            tx.send(Ok(Bytes::from(bytes)))
                .await
                .map_err(|_| ExportError::Cancelled)
        };
        match std::mem::replace(&mut self.plan, Plan::Report(Vec::new())) {
            Plan::Stream(mut stream) => {
                while let Some(batch) = stream.next().await {
                    if tx.is_closed() {
                        return Err(ExportError::Cancelled);
                    }
                    let batch = batch?;
                    let bytes = self.session.write(&batch).await?;
                    self.progress.add(batch.row_count);
                    send(bytes).await?;
                }
            }
            Plan::Table(t) => {
                if t.rows.row_count > 0 {
                    let bytes = self.session.write(&t.rows).await?;
                    self.progress.add(t.rows.row_count);
                    send(bytes).await?;
                }
            }
            Plan::Report(sections) => {
                for s in sections {
                    let bytes = self
                        .session
                        .begin_section_with(&s.title, s.chart, &s.table.schema, &s.display)
                        .await?;
                    send(bytes).await?;
                    if s.table.rows.row_count > 0 {
                        let bytes = self.session.write(&s.table.rows).await?;
                        self.progress.add(s.table.rows.row_count);
                        send(bytes).await?;
                    }
                }
            }
        }
        send(self.session.finish().await?).await
    }
}
