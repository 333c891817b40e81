//! `wasmdash plugins preview FILE.wasm`: the author's loop without a
//! server. A widget is rendered with real data from the configured sources
//! into a standalone HTML page, through the same binding, sanitizer and
//! stylesheet as a dashboard; an exporter writes its file for a dataset.
//! `--watch` renders again whenever the `.wasm` changes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, bail};
use chrono::{Offset as _, TimeZone as _, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::show_plugin_log;
use crate::cli::terminal::{safe, safe_path};
use crate::config::Config;
use crate::data::{DataEngine, RangeSpec};
use crate::export::{DatasetExport, ExportJobBuilder, ExportSource};
use crate::plugins::{
    ExporterPlugin, FilePlugin, PluginRegistry, PluginRuntime, PluginSettings, RenderContext,
    WidgetPlugin,
};
use crate::widget::{error_card, fetch, query_for, sanitize_bounded};

/// The server's stylesheet, so the page looks like a dashboard.
const APP_CSS: &str = include_str!("../../../assets/app.css");
/// What the preview page adds: a margin and the widget's grid size.
const PREVIEW_CSS: &str = "main.preview { padding: 20px; max-width: 1240px; } \
     .preview-meta { color: var(--muted); font-size: 13px; margin: 0 0 12px; }";
/// Time a widget's HTML may take to clean (as on a dashboard).
const SANITIZE_BUDGET: Duration = Duration::from_millis(500);
/// How often `--watch` looks at the file.
const WATCH_POLL: Duration = Duration::from_millis(200);

/// Arguments of `wasmdash plugins preview`.
#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// The plugin's `.wasm` component (a widget or an exporter).
    pub file: PathBuf,
    /// Widgets: the metric to show (sets `metric` in the config).
    #[arg(long, value_name = "NAME", conflicts_with = "dataset")]
    pub metric: Option<String>,
    /// Exporters: the dataset whose rows to export.
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// The widget's config or the exporter's options, a JSON object.
    #[arg(long, value_name = "JSON", default_value = "{}")]
    pub config: String,
    /// Time range, e.g. 24h, 30d, this_month [widgets: 30d; exporters:
    /// every row].
    #[arg(long)]
    pub range: Option<String>,
    /// Start of an absolute range (RFC 3339 or YYYY-MM-DD), with --to.
    #[arg(long, conflicts_with = "range", requires = "to")]
    pub from: Option<String>,
    /// End of an absolute range (a date includes that day), with --from.
    #[arg(long, conflicts_with = "range", requires = "from")]
    pub to: Option<String>,
    /// The configuration file naming the data sources.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "wasmdash.toml",
        env = "WASMDASH_CONFIG"
    )]
    pub config_file: PathBuf,
    /// Where to write the page (widgets) or the exported file (exporters).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Widgets: the size in dashboard grid columns (of 12) and rows.
    #[arg(long, value_name = "WxH", default_value = "6x3")]
    pub size: String,
    /// Render again whenever FILE changes, until interrupted.
    #[arg(long)]
    pub watch: bool,
}

/// A preview, checked from the flags before anything is loaded.
#[derive(Debug)]
struct Plan {
    file: PathBuf,
    output: PathBuf,
    metric: Option<String>,
    dataset: Option<String>,
    /// The config object, with `metric` set when given.
    config: serde_json::Value,
    range: Option<RangeSpec>,
    columns: u32,
    rows: u32,
    watch: bool,
}

/// Run `wasmdash plugins preview`.
pub(super) fn run(args: PreviewArgs) -> anyhow::Result<ExitCode> {
    let plan = plan(&args)?;
    let config = Config::load(&args.config_file)?;
    show_plugin_log();
    let (settings, cache_dir) = config.plugin_settings();
    let settings = PluginSettings {
        dir: None,
        ..settings
    };
    let runtime =
        PluginRuntime::new(&settings, &cache_dir).context("starting the plugin runtime")?;
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let data = Arc::new(
        rt.block_on(DataEngine::connect(&config))
            .context("connecting the data sources")?,
    );
    let session = Session {
        plan,
        runtime,
        settings,
        data,
        locale: config.server.locale.clone(),
    };
    if !session.plan.watch {
        let what = rt.block_on(session.once())?;
        session.report(what, Instant::now());
        return Ok(ExitCode::SUCCESS);
    }
    session.watch(&rt)
}

/// What a preview needs between renders.
struct Session {
    plan: Plan,
    runtime: Arc<PluginRuntime>,
    settings: PluginSettings,
    data: Arc<DataEngine>,
    /// The server's locale, passed to widgets as on a dashboard.
    locale: String,
}

impl Session {
    /// Load the file and render (or export) once; says what was done.
    async fn once(&self) -> anyhow::Result<&'static str> {
        let plan = &self.plan;
        let runtime = self.runtime.clone();
        let file = plan.file.clone();
        // Loading compiles (tens of seconds for an interpreter the first
        // time): keep it off the async workers.
        let plugin =
            tokio::task::spawn_blocking(move || PluginRegistry::open_file(&runtime, &file))
                .await
                .context("loading the plugin")??;
        match plugin {
            FilePlugin::Widget(widget) => {
                if plan.dataset.is_some() {
                    bail!(
                        "{} is a widget: use --metric, not --dataset",
                        safe_path(&plan.file)
                    );
                }
                self.render_widget(&widget).await?;
                Ok("rendered")
            }
            FilePlugin::Exporter(exporter) => {
                self.export(exporter).await?;
                Ok("exported")
            }
            FilePlugin::AlertRule(_) => bail!(
                "{} is an alert rule; preview shows widgets and exporters (check rules with `wasmdash plugins check`)",
                safe_path(&plan.file)
            ),
        }
    }

    fn report(&self, what: &str, started: Instant) {
        eprintln!(
            "{what} {} ({} ms)",
            safe_path(&self.plan.output),
            started.elapsed().as_millis()
        );
    }

    /// Render, then again whenever the file changes; errors are shown and
    /// the watch goes on.
    fn watch(&self, rt: &tokio::runtime::Runtime) -> anyhow::Result<ExitCode> {
        let run = || {
            let started = Instant::now();
            match rt.block_on(self.once()) {
                Ok(what) => self.report(what, started),
                Err(e) => eprintln!("error: {}", safe(&format!("{e:#}"))),
            }
        };
        let mut seen = stamp(&self.plan.file);
        run();
        eprintln!("watching {} (Ctrl-C to stop)", safe_path(&self.plan.file));
        loop {
            std::thread::sleep(WATCH_POLL);
            let now = stamp(&self.plan.file);
            if now.is_some() && now != seen {
                // Let a build finish writing before the file is read.
                std::thread::sleep(WATCH_POLL);
                seen = stamp(&self.plan.file);
                run();
            }
        }
    }

    async fn render_widget(&self, widget: &WidgetPlugin) -> anyhow::Result<()> {
        let plan = &self.plan;
        let info = widget.info();
        let Some(metric) = &plan.metric else {
            bail!(
                "{} is a widget: name the metric to show with --metric",
                safe_path(&plan.file)
            );
        };
        let query = query_for(widget, &plan.config).context("--config")?;
        let range = plan.range.unwrap_or(RangeSpec::LastDays(30));
        let data = fetch(&self.data, &query, &range, 0)
            .await
            .context("reading the widget's data")?;
        let tz = self.data.timezone();
        let resolved = range.resolve(Utc::now(), tz)?;
        let end = Utc
            .timestamp_millis_opt(resolved.current.end_ms)
            .single()
            .unwrap_or_else(Utc::now);
        let offset = tz.offset_from_utc_datetime(&end.naive_utc()).fix();
        // The same size hints as a dashboard slot of this many cells.
        let ctx = RenderContext {
            width: plan.columns * 100,
            height: plan.rows * 90,
            time_range: resolved.current.clone(),
            timezone: tz.name().to_owned(),
            utc_offset_minutes: offset.local_minus_utc() / 60,
            locale: self.locale.clone(),
        };
        let rendered = widget.render(&plan.config.to_string(), &data, &ctx).await;
        let (body, failure) = match rendered {
            Ok(html) => match sanitize_bounded(html, SANITIZE_BUDGET).await {
                Ok(clean) => (PreEscaped(clean), None),
                Err(refused) => (error_card(&refused.to_string()), Some(refused.to_string())),
            },
            Err(e) => (error_card(&e.to_string()), Some(e.to_string())),
        };
        let heading = format!("{} · {metric}", info.meta.name);
        let meta = format!(
            "{} {} · {} · {}",
            info.meta.id, info.meta.version, resolved.current.label, tz
        );
        let page = page(&heading, &meta, body, plan);
        write_file(&plan.output, page.into_string().as_bytes())?;
        // The page shows the failure too; the exit status says it.
        match failure {
            Some(message) => bail!("the widget failed: {message}"),
            None => Ok(()),
        }
    }

    async fn export(&self, exporter: ExporterPlugin) -> anyhow::Result<()> {
        let plan = &self.plan;
        let Some(dataset) = &plan.dataset else {
            bail!(
                "{} is an exporter: name the dataset to export with --dataset",
                safe_path(&plan.file)
            );
        };
        if plan.metric.is_some() {
            bail!(
                "{} is an exporter: use --dataset, not --metric",
                safe_path(&plan.file)
            );
        }
        // The registry is only consulted for widget and dashboard sources;
        // the exporter itself comes from the file.
        let registry = PluginRegistry::load_unwatched(self.runtime.clone(), &self.settings)
            .context("loading the built-in plugins")?;
        let id = exporter.info().meta.id.clone();
        let job = ExportJobBuilder::new(self.data.clone(), registry, &id)
            .exporter(exporter)
            .source(ExportSource::Dataset(DatasetExport {
                name: dataset.clone(),
                ..DatasetExport::default()
            }))
            .range(plan.range)
            .options(plan.config.clone())
            .build()
            .await?;
        let partial = partial_path(&plan.output);
        let result = crate::cli::export::write_out(job.spawn(), Some(&partial)).await;
        match result {
            Ok(()) => std::fs::rename(&partial, &plan.output)
                .with_context(|| format!("cannot write {}", safe_path(&plan.output))),
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                Err(e)
            }
        }
    }
}

/// Check every flag before anything is loaded: one line per problem.
fn plan(args: &PreviewArgs) -> anyhow::Result<Plan> {
    if !args.file.is_file() {
        bail!("{} is not a file", safe_path(&args.file));
    }
    let mut config: serde_json::Value = serde_json::from_str(&args.config)
        .map_err(|e| anyhow::anyhow!("--config is not JSON: {e}"))?;
    let Some(object) = config.as_object_mut() else {
        bail!("--config must be a JSON object, e.g. '{{\"goal\": 500}}'");
    };
    if let Some(metric) = &args.metric {
        if metric.trim().is_empty() {
            bail!("--metric is empty");
        }
        object.insert("metric".into(), metric.clone().into());
    }
    if args.dataset.as_deref().is_some_and(|d| d.trim().is_empty()) {
        bail!("--dataset is empty");
    }
    if args.metric.is_none() && args.dataset.is_none() {
        bail!("name what to preview: --metric NAME for a widget, --dataset NAME for an exporter");
    }
    let range = match (&args.range, &args.from, &args.to) {
        (Some(r), _, _) => Some(
            r.parse::<RangeSpec>()
                .map_err(|e| anyhow::anyhow!("--range: {e}"))?,
        ),
        (None, Some(from), Some(to)) => {
            Some(RangeSpec::absolute(from, to).map_err(|e| anyhow::anyhow!("--from/--to: {e}"))?)
        }
        _ => None,
    };
    let (columns, rows) = parse_size(&args.size)?;
    let parent = args
        .output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        bail!(
            "cannot write {}: {} is not a folder",
            safe_path(&args.output),
            safe_path(parent)
        );
    }
    if args.output.is_dir() {
        bail!("-o {} is a folder; name a file", safe_path(&args.output));
    }
    Ok(Plan {
        file: args.file.clone(),
        output: args.output.clone(),
        metric: args.metric.clone(),
        dataset: args.dataset.clone(),
        config,
        range,
        columns,
        rows,
        watch: args.watch,
    })
}

/// `6x3` → (6, 3): 1-12 grid columns, 1-12 rows.
fn parse_size(size: &str) -> anyhow::Result<(u32, u32)> {
    let parsed = size
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?)));
    match parsed {
        Some((w, h)) if (1..=12).contains(&w) && (1..=12).contains(&h) => Ok((w, h)),
        _ => bail!(
            "--size {:?}: expected COLUMNSxROWS, 1-12 each, e.g. 6x3",
            safe(&size.chars().take(40).collect::<String>())
        ),
    }
}

/// The standalone page: the server's stylesheet inline, the widget in a
/// dashboard slot of its size. In `--watch` mode it reloads itself.
fn page(heading: &str, meta: &str, body: Markup, plan: &Plan) -> Markup {
    let slot = format!(
        "grid-column: span {}; grid-row: span {}",
        plan.columns, plan.rows
    );
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if plan.watch {
                    meta http-equiv="refresh" content="2";
                }
                title { "Preview: " (heading) }
                style { (PreEscaped(APP_CSS)) }
                style { (PreEscaped(PREVIEW_CSS)) }
            }
            body {
                main #main .preview {
                    p.preview-meta { (meta) }
                    div.widget-grid {
                        section.widget aria-label=(heading) style=(slot) {
                            div.widget-head { h2.widget-title title=(heading) { (heading) } }
                            div.widget-body { (body) }
                        }
                    }
                }
            }
        }
    }
}

/// `out.html` → `out.html.part`, written first and renamed when complete.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    path.with_file_name(name)
}

/// Write `bytes` to `path` through a temporary file, so a browser
/// reloading the page never sees half of it.
fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let partial = partial_path(path);
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, path))
        .with_context(|| format!("cannot write {}", safe_path(path)))
}

/// Size and modification time of `file`, to notice a rebuild.
fn stamp(file: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(file).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_checked() {
        assert_eq!(parse_size("6x3").unwrap(), (6, 3));
        assert_eq!(parse_size("12X1").unwrap(), (12, 1));
        for bad in ["", "6", "0x3", "13x2", "6x", "axb", "6x3x1"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn partial_files_sit_beside_the_output() {
        assert_eq!(
            partial_path(Path::new("out/p.html")),
            PathBuf::from("out/p.html.part")
        );
    }
}
