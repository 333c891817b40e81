//! The `wasmdash` binary: parses the command line and dispatches.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = wasmdash::cli::Cli::parse();
    wasmdash::cli::run(cli)
}
