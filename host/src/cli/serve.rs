//! `wasmdash serve`: serve dashboards from a configuration file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Config;
use crate::server::{Server, shutdown_signal};

/// Arguments of `wasmdash serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The configuration file.
    #[arg(long, short, default_value = "wasmdash.toml", env = "WASMDASH_CONFIG")]
    pub config: PathBuf,
}

/// Run `wasmdash serve`.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let config = Config::load(&args.config)?;
    serve(&config)
}

/// Serve `config` until Ctrl-C (shared with `wasmdash demo`).
pub(crate) fn serve(config: &Config) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let server = Server::bind(config).await?;
        println!("wasmdash is listening on http://{}", server.local_addr());
        server.run(shutdown_signal()).await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Log to stderr; `RUST_LOG` overrides the default `info`.
pub(crate) fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Already set (e.g. by another command): keep the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
