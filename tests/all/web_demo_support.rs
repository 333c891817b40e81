//! The demo as a user first sees it: `wasmdash demo`'s generated data and
//! config, the seeded admin and dashboard, served in-process on a free
//! port. The data ends now, so relative ranges ("Last 30 days") are full.

use std::sync::Arc;

use chrono::Utc;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::demo::{DemoOptions, create};
use wasmdash::store::{SledStore, Store};

use crate::server_support;
use crate::web_support::PASSWORD;

/// The seeded demo.
#[derive(Debug, Clone)]
pub(crate) struct Demo {
    /// E.g. `http://127.0.0.1:41234`.
    pub(crate) base: String,
    /// The demo dashboard's id.
    pub(crate) dashboard: String,
    /// A bearer token of `admin`.
    pub(crate) token: String,
}

/// Generate the demo with `orders` orders, seed `admin` (password
/// [`PASSWORD`]) and its dashboard, and start the server.
pub(crate) async fn start_demo(orders: usize) -> server_support::Running<Demo> {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        orders,
        progress: false,
        ..DemoOptions::default()
    };
    let path = create(dir.path(), "127.0.0.1:0", &opts).unwrap();
    let env = vec![
        (
            "WASMDASH_SERVER__LISTEN".to_string(),
            "127.0.0.1:0".to_string(),
        ),
        (
            "WASMDASH_PLUGINS__CACHE_DIR".to_string(),
            wasmdash_tests::plugin_cache_dir().display().to_string(),
        ),
    ];
    let text = std::fs::read_to_string(&path).unwrap();
    let config = Config::parse(&text, &path, env).unwrap();
    let (dashboard, token) = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
        let auth = Auth::new(store.clone(), AuthConfig::default());
        wasmdash::seed::seed_demo(&auth, Some(PASSWORD.into())).unwrap();
        let admin = store.user_by_name("admin").unwrap().unwrap();
        let token = auth
            .create_api_token(&admin.id, "tests", Utc::now())
            .unwrap()
            .plaintext;
        let dashboard = store.dashboards().unwrap()[0].id.as_str().to_owned();
        (dashboard, token)
    };
    server_support::Running::start(&config, dir, |base| Demo {
        base,
        dashboard,
        token,
    })
    .await
}
