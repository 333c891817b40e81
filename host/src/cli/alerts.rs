//! `wasmdash alerts`: list alerts with their state, and evaluate them now.
//!
//! Both open the state database directly, which one process at a time may
//! hold: while a server runs on the same data directory, use the web page
//! or the JSON API instead (the command says so).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::terminal::safe;
use crate::alerts::{AlertId, AlertService, AlertStore, AlertView};
use crate::config::Config;
use crate::data::DataEngine;
use crate::plugins::{PluginRegistry, PluginRuntime};
use crate::store::{STATE_SUBDIR, SledStore, Store, StoreError};

/// Where the state (and, for `check-now`, the config) comes from.
#[derive(Debug, clap::Args)]
pub struct AlertsDirArgs {
    /// The data directory; its `state` folder holds the alerts. The config
    /// (metrics, plugins, SMTP, timezone) is read from `wasmdash.toml` in
    /// it or in its parent (where `wasmdash demo` writes it), if present.
    #[arg(long, default_value = "./wasmdash-demo/state")]
    pub data_dir: PathBuf,
    /// The config file; the state is its `[server] data_dir`.
    #[arg(long, short, conflicts_with = "data_dir")]
    pub config: Option<PathBuf>,
}

impl AlertsDirArgs {
    /// The data directory and the config file that goes with it, if any.
    fn resolve(&self) -> anyhow::Result<(PathBuf, Option<Config>)> {
        if let Some(file) = &self.config {
            let config = Config::load(file)?;
            return Ok((config.data_dir(), Some(config)));
        }
        let name = crate::data::demo::DEMO_CONFIG;
        let beside = [
            Some(self.data_dir.join(name)),
            self.data_dir.parent().map(|p| p.join(name)),
        ];
        let config = match beside.into_iter().flatten().find(|f| f.is_file()) {
            Some(file) => Some(Config::load(&file)?),
            None => None,
        };
        Ok((self.data_dir.clone(), config))
    }
}

/// Subcommands of `wasmdash alerts`.
#[derive(Debug, clap::Subcommand)]
pub enum AlertsCommand {
    /// List every alert: state, last evaluation, next run.
    List {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        /// Where the state lives.
        #[command(flatten)]
        dir: AlertsDirArgs,
    },
    /// Evaluate one alert (even a paused one) or every enabled alert now,
    /// record the result, and send the notifications it causes.
    CheckNow {
        /// The alert's id (see `wasmdash alerts list`); all enabled alerts
        /// when left out.
        id: Option<String>,
        /// Where the state and config live.
        #[command(flatten)]
        dir: AlertsDirArgs,
    },
}

/// Run `wasmdash alerts ...`.
pub fn run(cmd: AlertsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AlertsCommand::List { json, dir } => list(&dir, json),
        AlertsCommand::CheckNow { id, dir } => check_now(&dir, id.as_deref()),
    }
}

/// Open the state database of `data_dir`, explaining a lock held by a
/// running server.
fn open_state(data_dir: &Path) -> anyhow::Result<SledStore> {
    if !data_dir.join(STATE_SUBDIR).exists() {
        bail!(
            "{} holds no wasmdash state; give the data directory of a server (--data-dir or --config)",
            data_dir.display()
        );
    }
    match SledStore::open(data_dir) {
        Ok(store) => Ok(store),
        Err(StoreError::InUse { .. }) => bail!(
            "the data directory {} is in use by a running wasmdash server; stop it, or use the Alerts page or /api/v1/alerts instead",
            data_dir.display()
        ),
        Err(other) => Err(other.into()),
    }
}

fn list(dir: &AlertsDirArgs, json: bool) -> anyhow::Result<ExitCode> {
    let (data_dir, config) = dir.resolve()?;
    let tz = config.map_or(Tz::UTC, |c| c.server.timezone);
    let store = open_state(&data_dir)?;
    let alerts = AlertStore::new(store.alert_trees()?);
    let mut views = Vec::new();
    for alert in alerts.alerts()? {
        let status = alerts.status(&alert.id)?;
        views.push(AlertView { alert, status });
    }
    views.sort_by(|a, b| a.alert.draft.name.cmp(&b.alert.draft.name));
    if json {
        let out: Vec<serde_json::Value> = views.iter().map(|v| v.to_json()).collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    if views.is_empty() {
        println!("no alerts yet; create one on the Alerts page or with POST /api/v1/alerts");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<32}  {:<24}  {:<8}  {:<12}  {:<22}  {:<22}  OWNER",
        "ID", "NAME", "STATE", "LAST VALUE", "LAST EVALUATED", "NEXT RUN"
    );
    for v in &views {
        let owner = store
            .user(&v.alert.owner)?
            .map(|u| u.username)
            .unwrap_or_else(|| "(deleted user)".into());
        let s = &v.status;
        println!(
            "{:<32}  {:<24}  {:<8}  {:<12}  {:<22}  {:<22}  {owner}",
            v.alert.id.as_str(),
            truncate(&safe(&v.alert.draft.name), 24),
            s.state.as_str(),
            s.last_value.map_or_else(|| "-".into(), |x| x.to_string()),
            when(s.last_evaluated, tz, "never"),
            when(
                s.next_run,
                tz,
                if v.alert.draft.enabled { "-" } else { "paused" }
            ),
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn when(t: Option<DateTime<Utc>>, tz: Tz, none: &str) -> String {
    t.map_or_else(
        || none.to_owned(),
        |t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string(),
    )
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

fn check_now(dir: &AlertsDirArgs, id: Option<&str>) -> anyhow::Result<ExitCode> {
    let (data_dir, config) = dir.resolve()?;
    let Some(config) = config else {
        bail!(
            "check-now needs the config with the metrics and plugins: give --config FILE (no {} in or beside {})",
            crate::data::demo::DEMO_CONFIG,
            data_dir.display()
        );
    };
    // The lock first: it is the likeliest refusal and the cheapest check.
    let store = open_state(&data_dir)?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let data = Arc::new(
            DataEngine::connect(&config)
                .await
                .context("connecting the data sources")?,
        );
        let (settings, cache_dir) = config.plugin_settings();
        let plugins = PluginRegistry::load_unwatched(
            PluginRuntime::new(&settings, &cache_dir).context("starting the plugin runtime")?,
            &settings,
        )
        .context("loading plugins")?;
        let alert_store = AlertStore::new(store.alert_trees()?);
        let users: Arc<dyn Store> = Arc::new(store);
        let service = AlertService::new(alert_store, users, data, plugins, &config);
        let id = id.map(AlertId::from_string);
        let results = match service.check_now(id.as_ref()).await {
            Err(crate::alerts::AlertError::NotFound) => bail!(
                "there is no alert with id {:?}; see `wasmdash alerts list`",
                id.as_ref().map(AlertId::as_str).unwrap_or_default()
            ),
            other => other.context("evaluating alerts")?,
        };
        if results.is_empty() {
            println!("no enabled alerts to check");
        }
        for r in &results {
            let change = if r.previous_state == r.state {
                r.state.as_str().to_owned()
            } else {
                format!("{} -> {}", r.previous_state, r.state)
            };
            let value = r.value.map_or_else(|| "-".into(), |v| v.to_string());
            let notified = r
                .notification
                .map(|k| format!(" (notification: {})", k.as_str()))
                .unwrap_or_default();
            println!(
                "{}  {}  {change}  value {value}  {}{notified}",
                r.id,
                safe(&r.name),
                safe(&r.message)
            );
        }
        if results.iter().any(|r| r.notification.is_some()) {
            if service.email_enabled() {
                let report = service
                    .deliver_due()
                    .await
                    .context("sending notifications")?;
                println!(
                    "emails: {} sent, {} to retry, {} refused; undelivered ones are sent by the server when it runs",
                    report.sent, report.retrying, report.failed
                );
            } else {
                println!("no [smtp] configured: notifications stay in the outbox");
            }
        }
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
