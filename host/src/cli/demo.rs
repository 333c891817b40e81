//! `wasmdash demo`: create the demo database once and serve it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Config;
use crate::data::demo::{self, DemoOptions};

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
pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    super::serve::init_logging();
    let started = std::time::Instant::now();
    let config_path = demo::create(&args.data_dir, &args.listen, &DemoOptions::default())
        .context("creating the demo data")?;
    eprintln!(
        "demo data ready in {} ({:.1} s); config: {}",
        args.data_dir.display(),
        started.elapsed().as_secs_f64(),
        config_path.display()
    );
    let mut config = Config::load(&config_path)?;
    // The flag wins over the address saved in the demo config.
    config.server.listen = args.listen;
    super::serve::serve(&config)
}
