//! `wasmdash export`: write a dataset, a metric or a dashboard report to a
//! file or stdout with an exporter plugin, in-process against the
//! configured sources (for cron and scripts). A dashboard's definition
//! comes from the running server over its admin socket, or from the data
//! dir's state store when no server runs.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use futures::StreamExt as _;

use super::admin_client::{self, LocalState};
use crate::admin::AdminRequest;
use crate::config::{Config, parse_filter};
use crate::data::{DataEngine, RangeSpec};
use crate::export::{
    DatasetExport, ExportProgress, ExportRequest, ExportSource, TableRows, parse_format,
    parse_options,
};
use crate::plugins::{PluginRegistry, PluginRuntime};
use crate::store::DashboardContent;

/// Arguments of `wasmdash export`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["dataset", "metric", "dashboard"])))]
pub struct ExportArgs {
    /// Export every row of this dataset (in `--range`, if given).
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Export this metric as a time series over `--range`.
    #[arg(long, value_name = "NAME")]
    pub metric: Option<String>,
    /// Export this dashboard as a report over `--range`.
    #[arg(long, value_name = "ID")]
    pub dashboard: Option<String>,
    /// The exporter plugin, e.g. csv, json, pdf (`wasmdash plugins list`).
    #[arg(long, short)]
    pub format: String,
    /// Time range, e.g. 24h, 30d, this_month, previous_month [dataset
    /// default: all rows; otherwise 30d].
    #[arg(long)]
    pub range: Option<String>,
    /// Start of an absolute range (RFC 3339 or YYYY-MM-DD), with --to.
    #[arg(long, conflicts_with = "range", requires = "to")]
    pub from: Option<String>,
    /// End of an absolute range (a date includes that day), with --from.
    #[arg(long, conflicts_with = "range", requires = "from")]
    pub to: Option<String>,
    /// Dataset filter `column:op:value` (eq, ne, gt, ge, lt, le, in a,b,
    /// is_null, is_not_null); repeatable.
    #[arg(long, value_name = "FILTER", requires = "dataset")]
    pub filter: Vec<String>,
    /// Dataset columns to export, comma-separated [default: all].
    #[arg(long, requires = "dataset")]
    pub columns: Option<String>,
    /// The exporter's options as a JSON object, e.g. '{"delimiter":";"}'.
    #[arg(long, value_name = "JSON")]
    pub options: Option<String>,
    /// In a dashboard report, show up to 1,000 rows of each table widget
    /// instead of its page.
    #[arg(long, requires = "dashboard")]
    pub full: bool,
    /// Write here instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The configuration file.
    #[arg(long, short, default_value = "wasmdash.toml", env = "WASMDASH_CONFIG")]
    pub config: PathBuf,
}

/// Run `wasmdash export`.
pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let mut request = request(&args)?;
    let config = Config::load(&args.config)?;
    if let Some(id) = &args.dashboard {
        let content = dashboard_content(&config, id)?;
        request.source = ExportSource::Dashboard {
            title: content.title,
            widgets: content.widgets,
        };
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(export(&config, &args, request))?;
    Ok(ExitCode::SUCCESS)
}

/// The request the flags describe, with the same checks as the HTTP API.
/// A dashboard's source is filled in once the state store is open.
fn request(args: &ExportArgs) -> anyhow::Result<ExportRequest> {
    let format = parse_format(Some(&args.format))?;
    let options = parse_options(args.options.as_deref())?;
    let range = match (&args.range, &args.from, &args.to) {
        (Some(r), _, _) => Some(r.parse::<RangeSpec>()?),
        (None, Some(from), Some(to)) => Some(RangeSpec::absolute(from, to)?),
        _ => None,
    };
    if [&args.dataset, &args.metric]
        .into_iter()
        .any(|name| name.as_deref() == Some(""))
    {
        anyhow::bail!("name one `dataset` (or one `metric`) to export");
    }
    let source = match (&args.dataset, &args.metric, &args.dashboard) {
        (Some(name), _, _) => ExportSource::Dataset(DatasetExport {
            name: name.clone(),
            columns: args
                .columns
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|c| c.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            filters: args
                .filter
                .iter()
                .map(|f| parse_filter(f))
                .collect::<Result<_, _>>()
                .map_err(anyhow::Error::msg)?,
            order_by: None,
            descending: false,
        }),
        (None, Some(name), _) => ExportSource::Metric { name: name.clone() },
        // Replaced by the dashboard's widgets in `export`.
        _ => ExportSource::Dashboard {
            title: String::new(),
            widgets: Vec::new(),
        },
    };
    let mut req = ExportRequest::new(format, source);
    // A report always covers a range (the default when none is given).
    req.range = match (&args.dashboard, range) {
        (Some(_), None) => Some(RangeSpec::DEFAULT),
        (_, range) => range,
    };
    req.options = options;
    if args.full {
        req.table_rows = TableRows::Full;
    }
    Ok(req)
}

async fn export(config: &Config, args: &ExportArgs, req: ExportRequest) -> anyhow::Result<()> {
    let data = Arc::new(
        DataEngine::connect(config)
            .await
            .context("connecting the data sources")?,
    );
    let plugins = registry(config)?;
    let job = req.builder(data, plugins).build().await?;
    let progress = job.progress();
    let name = job.file_name().to_owned();
    let ticker = std::io::stderr()
        .is_terminal()
        .then(|| tokio::spawn(show_progress(progress.clone())));
    let result = write_out(job.spawn(), args.output.as_deref()).await;
    if let Some(t) = ticker {
        t.abort();
        eprint!("\r\x1b[2K");
        if result.is_ok() {
            let to = args
                .output
                .as_ref()
                .map_or_else(|| "stdout".to_owned(), |p| super::terminal::safe_path(p));
            eprintln!(
                "exported {} rows to {to} ({})",
                progress.rows(),
                super::terminal::safe(&name)
            );
        }
    }
    if result.is_err()
        && let Some(path) = &args.output
    {
        // Never leave a truncated file that looks complete.
        let _ = std::fs::remove_file(path);
    }
    result
}

/// Dashboard `id`'s definition: from the server running on the data
/// directory (which holds the state store), or from the store itself.
fn dashboard_content(config: &Config, id: &str) -> anyhow::Result<DashboardContent> {
    let json = admin_client::run(
        &config.data_dir(),
        LocalState::DASHBOARDS,
        AdminRequest::DashboardContent { id: id.to_owned() },
    )?;
    serde_json::from_str(&json).context("reading the dashboard's definition")
}

fn registry(config: &Config) -> anyhow::Result<Arc<PluginRegistry>> {
    let (settings, cache_dir) = config.plugin_settings();
    let runtime =
        PluginRuntime::new(&settings, &cache_dir).context("starting the plugin runtime")?;
    PluginRegistry::load_unwatched(runtime, &settings).context("loading plugins")
}

pub(crate) async fn write_out(
    mut stream: crate::export::ExportStream,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let mut out: Box<dyn std::io::Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => match out.write_all(&bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                other => other.context("writing the export")?,
            },
            Err(e) => {
                let _ = out.flush();
                bail!("the export failed: {e}");
            }
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the export"),
    }
}

/// Rows written, redrawn on stderr a few times a second (only on a TTY).
async fn show_progress(progress: ExportProgress) {
    let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let mut tick = tokio::time::interval(Duration::from_millis(120));
    for i in 0usize.. {
        tick.tick().await;
        eprint!(
            "\r{} exporting… {} rows written",
            frames[i % frames.len()],
            progress.rows()
        );
    }
}
