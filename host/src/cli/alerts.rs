//! `wasmdash alerts`: list alerts with their state, and evaluate them now.
//!
//! While a server runs on the data directory, both go through its admin
//! socket (see [`crate::admin`]); otherwise they open the state database,
//! and `check-now` connects the sources and loads the plugins itself.

use std::path::PathBuf;
use std::process::ExitCode;

use super::admin_client::{self, LocalState};
use crate::admin::AdminRequest;
use crate::config::Config;

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
    let (dir, request) = match cmd {
        AlertsCommand::List { json, dir } => (dir, AdminRequest::AlertsList { json }),
        AlertsCommand::CheckNow { id, dir } => (dir, AdminRequest::AlertsCheckNow { id }),
    };
    let (data_dir, config) = dir.resolve()?;
    admin_client::print(&data_dir, LocalState::alerts(config.as_ref()), request)
}
