//! An in-process `wasmdash` server for end-to-end tests: bound to
//! 127.0.0.1:0 over a temporary folder, stopped when dropped.

use wasmdash::config::Config;
use wasmdash::server::Server;

/// A running server and what the test seeded before starting it.
pub(crate) struct Running<W> {
    /// What the test seeded (base URL, tokens, dashboard ids, …).
    pub(crate) world: W,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    dir: tempfile::TempDir,
}

impl<W> Running<W> {
    /// Start a server for `config`, whose files live in `dir` (kept until
    /// the server stops); `world` gets the base URL, e.g.
    /// `http://127.0.0.1:41234`.
    pub(crate) async fn start(
        config: &Config,
        dir: tempfile::TempDir,
        world: impl FnOnce(String) -> W,
    ) -> Self {
        let server = Server::bind(config).await.unwrap();
        let base = format!("http://{}", server.local_addr());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Self {
            world: world(base),
            stop: Some(stop),
            dir,
        }
    }

    /// The folder the server's files live in (its config, state, and the
    /// test's data files).
    pub(crate) fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl<W> Drop for Running<W> {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Bearer tokens of the seeded users, by user name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tokens(pub(crate) Vec<(String, String)>);

impl Tokens {
    /// The token of `user`.
    pub(crate) fn of(&self, user: &str) -> &str {
        &self.0.iter().find(|(u, _)| u == user).unwrap().1
    }
}

/// A `wasmdash serve` process; SIGKILLed when dropped (a failing test
/// leaves none).
pub(crate) struct Serving {
    child: std::process::Child,
    /// E.g. `http://127.0.0.1:41234`.
    pub(crate) base: String,
}

impl Serving {
    /// The process id (to read its memory from `/proc`).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL it (`Child::kill` on Unix) and return how it ended.
    pub(crate) fn kill(&mut self) -> std::process::ExitStatus {
        self.child.kill().unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the `wasmdash serve` binary on `dir/wasmdash.toml` (state in
/// `dir/state`), on a free port; returns once it prints its address.
pub(crate) fn serve(dir: &std::path::Path) -> Serving {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(wasmdash_tests::wasmdash_bin())
        .arg("serve")
        .arg("--config")
        .arg(dir.join("wasmdash.toml"))
        .env("WASMDASH_SERVER__LISTEN", "127.0.0.1:0")
        .env("WASMDASH_SERVER__DATA_DIR", "state")
        .env(
            "WASMDASH_PLUGINS__CACHE_DIR",
            wasmdash_tests::plugin_cache_dir(),
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start wasmdash serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("wasmdash is listening on ") {
                let _ = tx.send(addr.to_owned());
            }
        }
    });
    let base = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("wasmdash serve prints its address");
    Serving { child, base }
}

/// Resident memory of process `pid`, bytes (`VmRSS` in `/proc/PID/status`).
pub(crate) fn rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status");
    kib * 1024
}
