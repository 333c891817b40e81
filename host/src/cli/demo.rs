//! `wasmdash demo`: create the demo database once and serve it.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `wasmdash demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where the demo database, config and state live.
    #[arg(long, default_value = "./wasmdash-demo")]
    pub data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
}

/// Run `wasmdash demo`.
pub fn run(_args: DemoArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wasmdash demo` is not implemented yet")
}
