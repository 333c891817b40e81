//! An in-process `wasmdash` server for end-to-end tests: bound to
//! 127.0.0.1:0 over a temporary folder, stopped when dropped.

use wasmdash::config::Config;
use wasmdash::server::Server;

/// A running server and what the test seeded before starting it.
pub(crate) struct Running<W> {
    /// What the test seeded (base URL, tokens, dashboard ids, …).
    pub(crate) world: W,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
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
            _dir: dir,
        }
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
