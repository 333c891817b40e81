//! `wasmdash plugins`: list installed plugins, check a plugin file.

use std::path::PathBuf;
use std::process::ExitCode;

/// Subcommands of `wasmdash plugins`.
#[derive(Debug, clap::Subcommand)]
pub enum PluginsCommand {
    /// List installed plugins: kind, id, version, source.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Load a plugin file under the sandbox limits and describe it.
    Check {
        /// The `.wasm` component to check.
        file: PathBuf,
    },
}

/// Run `wasmdash plugins ...`.
pub fn run(_cmd: PluginsCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wasmdash plugins` is not implemented yet")
}
