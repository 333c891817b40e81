//! A `wasmdash serve` child process, for the benches that measure the
//! server on its own (its memory, apart from the bench's).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A `wasmdash serve` process; killed when dropped.
pub(crate) struct ServerProcess {
    pub(crate) child: Child,
    /// `http://127.0.0.1:PORT`, from its listening line.
    pub(crate) base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `wasmdash serve --config <config>` with `env` (quiet logs) and
/// wait for the line saying where it listens.
pub(crate) fn start(config: &Path, env: &[(String, String)]) -> ServerProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmdash"))
        .args(["serve", "--config"])
        .arg(config)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start wasmdash serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the listening line");
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .expect("wasmdash is listening on http://…")
        .to_owned();
    ServerProcess { child, base }
}

/// VmHWM (peak resident set) and VmRSS of `pid`, MiB.
pub(crate) fn memory_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}
