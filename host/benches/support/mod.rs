//! A server over the 1,000,000-row demo, started in the bench's process,
//! with a viewer's API token: shared by the HTTP benches.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::demo::{DemoOptions, create};
use wasmdash::server::Server;
use wasmdash::store::{Role, SledStore, Store};

/// The running demo server; it stops when this is dropped.
pub(crate) struct DemoServer {
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    /// A viewer's bearer token.
    pub(crate) token: String,
    /// The demo's SQLite file.
    #[allow(
        dead_code,
        reason = "read by some of the benches that share this module"
    )]
    pub(crate) db: PathBuf,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

/// Generate the demo data and start a server over it at `now`.
pub(crate) fn start(now: DateTime<Utc>) -> DemoServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = DemoOptions {
        progress: false,
        ..DemoOptions::default()
    };
    eprintln!("generating {} demo orders…", opts.orders);
    let config_path = create(dir.path(), "127.0.0.1:0", &opts).expect("demo data");
    let mut config = Config::load(&config_path).expect("demo config");
    config.server.listen = "127.0.0.1:0".into();
    let token = {
        let store: Arc<dyn Store> =
            Arc::new(SledStore::open(&config.data_dir()).expect("state store"));
        let auth = Auth::new(store, AuthConfig::default());
        let user = auth
            .create_user("bench", "bench password", Role::Viewer, now)
            .expect("user");
        auth.create_api_token(&user.id, "bench", now)
            .expect("token")
            .plaintext
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(Server::bind(&config)).expect("server");
    let base = format!("http://{}", server.local_addr());
    runtime.spawn(server.run(std::future::pending()));
    DemoServer {
        base,
        token,
        db: dir.path().join(wasmdash::data::demo::DEMO_DB),
        _runtime: runtime,
        _dir: dir,
    }
}
