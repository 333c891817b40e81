//! `wasmdash demo`: create the demo database once and serve it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::terminal::outln;
use crate::config::Config;
use crate::data::demo::{self, DemoOptions};
use crate::seed::{ADMIN_PASSWORD_ENV, DEMO_ADMIN, seed_demo};
use crate::server::{Server, shutdown_signal};

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
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let server = Server::bind(&config).await?;
        let auth = server.auth().clone();
        let password = std::env::var(ADMIN_PASSWORD_ENV).ok();
        let report = tokio::task::spawn_blocking(move || seed_demo(&auth, password))
            .await
            .context("seeding the demo")?
            .context("creating the demo admin and dashboard")?;
        let url = format!("http://{}", server.local_addr());
        outln!("wasmdash demo is listening on {url}")?;
        match (&report.generated_password, report.created_admin) {
            (Some(password), _) => outln!(
                "sign in as `{DEMO_ADMIN}` with password `{password}` (shown once; set {ADMIN_PASSWORD_ENV} to choose it)"
            )?,
            (None, true) => outln!("sign in as `{DEMO_ADMIN}` with the password from {ADMIN_PASSWORD_ENV}")?,
            (None, false) => outln!("sign in as `{DEMO_ADMIN}` (the account already existed)")?,
        }
        server.run(shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use crate::data::demo::{DEMO_DB, DemoOptions, create};

    #[test]
    fn demo_is_created_once_with_a_valid_config() {
        let dir = tempfile::tempdir().unwrap();
        let opts = DemoOptions {
            orders: 5_000,
            progress: false,
            ..DemoOptions::default()
        };
        let config = create(dir.path(), "127.0.0.1:0", &opts).unwrap();
        let c = crate::config::Config::load(&config).unwrap();
        assert_eq!(c.metrics.len(), 8);
        let conn = rusqlite::Connection::open(dir.path().join(DEMO_DB)).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 5_000);
        let (min, max): (String, String) = conn
            .query_row(
                "SELECT min(created_at), max(created_at) FROM orders",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(min < max && max.len() == 19, "{min} {max}");
        let bad: i64 = conn
            .query_row(
                "SELECT count(*) FROM orders WHERE (status = 'completed') <> (completion_seconds IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(bad, 0);
        // A second run keeps the existing files.
        std::fs::write(&config, "# edited\n").unwrap();
        create(dir.path(), "127.0.0.1:0", &opts).unwrap();
        assert_eq!(std::fs::read_to_string(&config).unwrap(), "# edited\n");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp")
        });
        assert_eq!(leftovers.count(), 0);
    }
}
