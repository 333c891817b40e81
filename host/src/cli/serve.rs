//! `wasmdash serve`: serve dashboards from a configuration file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::terminal::outln;
use crate::auth::{ADMIN_PASSWORD_ENV, FIRST_ADMIN, FirstStart};
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
        let url = format!("http://{}", server.local_addr());
        outln!("wasmdash is listening on {url}")?;
        if let Some(at) = server.metrics_addr() {
            outln!("metrics for Prometheus at http://{at}/metrics")?;
        }
        let password = std::env::var(ADMIN_PASSWORD_ENV)
            .ok()
            .filter(|p| !p.is_empty());
        match server
            .first_start(password)
            .await
            .context("creating the first administrator")?
        {
            FirstStart::HasUsers => {}
            FirstStart::CreatedAdmin => outln!(
                "created the administrator `{FIRST_ADMIN}` with the password from {ADMIN_PASSWORD_ENV}"
            )?,
            FirstStart::SetupLink { token, expires } => outln!(
                "no users yet: open {url}/setup/{token} to create the first administrator \
                 (works once, until {} UTC; or restart with {ADMIN_PASSWORD_ENV} set)",
                expires.format("%Y-%m-%d %H:%M")
            )?,
        }
        server.run(shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The variable choosing the log format: `json` for one JSON object per
/// line (for log shippers), anything else or unset for readable text.
pub const LOG_FORMAT_ENV: &str = "WASMDASH_LOG";

/// Log to stderr; `RUST_LOG` overrides the default `info`, and
/// `WASMDASH_LOG=json` writes one JSON object per line.
pub(crate) fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let json = std::env::var(LOG_FORMAT_ENV).is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // Already set (e.g. by another command): keep the first.
    let _ = if json {
        builder.json().with_current_span(false).try_init()
    } else {
        builder.try_init()
    };
}
