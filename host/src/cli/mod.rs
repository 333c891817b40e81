//! The command line: one file per subcommand. `main.rs` only parses and calls
//! [`run`], which turns any error into one line on stderr and exit code 1.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod admin_client;
pub mod alerts;
pub mod config_check;
pub mod demo;
pub mod export;
pub mod plugins;
pub mod rollups;
pub mod serve;
pub mod terminal;
pub mod token;
pub mod user;

/// Self-hosted analytics dashboards with sandboxed WebAssembly plugins.
#[derive(Debug, Parser)]
#[command(name = "wasmdash", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `wasmdash`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create demo data (once) and serve it with the built-in plugins.
    Demo(demo::DemoArgs),
    /// Serve dashboards from a configuration file.
    Serve(serve::ServeArgs),
    /// Inspect installed plugins or check a plugin file.
    #[command(subcommand)]
    Plugins(plugins::PluginsCommand),
    /// Add users, list them, change a password, disable them.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Create, list and revoke API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Check a configuration file against its sources.
    #[command(subcommand)]
    Config(config_check::ConfigCommand),
    /// Export a dataset, a metric or a dashboard report to a file or stdout.
    Export(export::ExportArgs),
    /// List alerts or evaluate them now.
    #[command(subcommand)]
    Alerts(alerts::AlertsCommand),
    /// Show the state of the `[[rollup]]` tables or rebuild them.
    #[command(subcommand)]
    Rollups(rollups::RollupsCommand),
}

/// Run a parsed command line; errors become one line on stderr and exit 1.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Plugins(cmd) => plugins::run(cmd),
        Command::User(cmd) => user::run(cmd),
        Command::Token(cmd) => token::run(cmd),
        Command::Config(cmd) => config_check::run(cmd),
        Command::Export(args) => export::run(args),
        Command::Alerts(cmd) => alerts::run(cmd),
        Command::Rollups(cmd) => rollups::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // One readable line: the context chain joined, no backtrace,
            // and nothing a plugin or file put in the message can drive
            // the terminal.
            eprintln!("error: {}", terminal::safe(&format!("{err:#}")));
            ExitCode::FAILURE
        }
    }
}
