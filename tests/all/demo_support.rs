//! A running server over `wasmdash demo`'s own files: the generated demo
//! database (fewer orders), the config the demo writes, and the seeded
//! admin with the demo dashboard. Tests may change the orders before the
//! server starts (to make the error rate fall, say).

use std::path::Path;
use std::sync::Arc;

use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::demo::{DEMO_DB, DemoOptions, create};
use wasmdash::seed::{DEMO_ADMIN, seed_demo};
use wasmdash::store::{SledStore, Store};

use crate::server_support::Running;
use crate::web_support::{As, PASSWORD, login};

/// The demo admin's password in these tests (the web tests' one, so the
/// browser helpers sign in with it).
pub(crate) const DEMO_PASSWORD: &str = PASSWORD;

/// What a demo server holds.
#[derive(Debug, Clone)]
pub(crate) struct Demo {
    pub(crate) base: String,
    /// The demo dashboard's id.
    pub(crate) dashboard: String,
}

impl Demo {
    /// Signed in as the demo admin (session cookie and CSRF token).
    pub(crate) fn admin(&self) -> As {
        let (cookie, csrf) = login(&self.base, DEMO_ADMIN, DEMO_PASSWORD).unwrap();
        As::Session { cookie, csrf }
    }

    /// The URL of widget `id` of the demo dashboard over `range`.
    pub(crate) fn widget(&self, id: &str, range: &str) -> String {
        format!(
            "{}/dashboards/{}/widgets/{id}?range={range}",
            self.base, self.dashboard
        )
    }
}

/// The config `wasmdash demo` wrote in `dir`, read for a test server.
pub(crate) fn demo_config(dir: &Path) -> Config {
    let opts = DemoOptions {
        orders: 20_000,
        progress: false,
        ..DemoOptions::default()
    };
    let path = create(dir, "127.0.0.1:0", &opts).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let env = vec![(
        "WASMDASH_PLUGINS__CACHE_DIR".to_string(),
        wasmdash_tests::plugin_cache_dir().display().to_string(),
    )];
    Config::parse(&text, &path, env).unwrap()
}

/// Start a server over a fresh demo whose database `change` may edit
/// first (SQL run on `demo.db`).
pub(crate) async fn start_demo(change: &str) -> Running<Demo> {
    let dir = tempfile::tempdir().unwrap();
    let config = demo_config(dir.path());
    if !change.is_empty() {
        let db = rusqlite::Connection::open(dir.path().join(DEMO_DB)).unwrap();
        db.execute_batch(change).unwrap();
    }
    let dashboard = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
        let auth = Auth::new(store.clone(), AuthConfig::default());
        seed_demo(&auth, Some(DEMO_PASSWORD.into())).unwrap();
        let admin = store.user_by_name(DEMO_ADMIN).unwrap().unwrap();
        store
            .default_dashboard(&admin.id)
            .unwrap()
            .unwrap()
            .as_str()
            .to_owned()
    };
    Running::start(&config, dir, |base| Demo { base, dashboard }).await
}
