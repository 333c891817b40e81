//! `wasmdash rollups`: the state of the `[[rollup]]` tables, and a full
//! rebuild on demand.
//!
//! While a server runs on the data directory, both go through its admin
//! socket (see [`crate::admin`]), so the server's own rollups are shown and
//! rebuilt. Otherwise the command connects the sources itself and works on
//! the rollup file directly.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use crate::admin::{self, AdminRequest};
use crate::config::Config;
use crate::data::{DataEngine, ROLLUP_FILE};

/// Where the rollups live.
#[derive(Debug, clap::Args)]
pub struct RollupsDirArgs {
    /// The config file with the `[[rollup]]` tables; the rollup file is in
    /// its `[server] data_dir`.
    #[arg(long, short, default_value = "wasmdash.toml")]
    pub config: PathBuf,
}

/// Subcommands of `wasmdash rollups`.
#[derive(Debug, clap::Subcommand)]
pub enum RollupsCommand {
    /// Every rollup: state, buckets, watermark, last refresh.
    Status {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        /// Where the rollups live.
        #[command(flatten)]
        dir: RollupsDirArgs,
    },
    /// Rebuild one rollup (every one when left out) from the whole
    /// history of its dataset, now.
    Rebuild {
        /// The rollup's name (see `wasmdash rollups status`).
        name: Option<String>,
        /// Where the rollups live.
        #[command(flatten)]
        dir: RollupsDirArgs,
    },
}

/// Run `wasmdash rollups ...`.
pub fn run(cmd: RollupsCommand) -> anyhow::Result<ExitCode> {
    let (dir, request) = match cmd {
        RollupsCommand::Status { json, dir } => (dir, AdminRequest::RollupsStatus { json }),
        RollupsCommand::Rebuild { name, dir } => (dir, AdminRequest::RollupsRebuild { name }),
    };
    let config = Config::load(&dir.config)?;
    if config.rollups.is_empty() {
        bail!(
            "{} configures no [[rollup]]; see README, \"Rollups\"",
            dir.config.display()
        );
    }
    let data_dir = config.data_dir();
    if let Some(reply) = admin::call(&data_dir, &request)? {
        super::terminal::print_out(&reply.into_result()?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let out = runtime.block_on(async {
        let mut data = DataEngine::connect(&config)
            .await
            .context("connecting the data sources")?;
        data.open_rollups(&data_dir.join(ROLLUP_FILE))
            .context("opening the rollup file")?;
        anyhow::Ok(admin::rollups(&request, &data).await?)
    })?;
    super::terminal::print_out(&out)?;
    Ok(ExitCode::SUCCESS)
}
