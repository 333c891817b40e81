//! `wasmdash serve`: serve dashboards from a configuration file.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `wasmdash serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The configuration file.
    #[arg(long, short, default_value = "wasmdash.toml", env = "WASMDASH_CONFIG")]
    pub config: PathBuf,
}

/// Run `wasmdash serve`.
pub fn run(_args: ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wasmdash serve` is not implemented yet")
}
