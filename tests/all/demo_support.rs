//! A running server over `wasmdash demo`'s own files: the generated demo
//! database (fewer orders), the config the demo writes, and the seeded
//! admin with the demo dashboard. The data ends now, so relative ranges
//! ("Last 30 days") are full. Tests may change the orders before the server
//! starts (to make the error rate fall, say).

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::demo::{DEMO_DB, DemoOptions, create};
use wasmdash::seed::{DEMO_ADMIN, seed_demo};
use wasmdash::store::{SledStore, Store};

use crate::server_support::Running;
use crate::web_support::{As, PASSWORD, json_body, login, send};

/// The demo admin's password in these tests (the web tests' one, so the
/// browser helpers sign in with it).
pub(crate) const DEMO_PASSWORD: &str = PASSWORD;

/// Orders in a test demo: enough for every widget to draw, quick to make.
pub(crate) const DEMO_ORDERS: usize = 20_000;

/// What a demo server holds.
#[derive(Debug, Clone)]
pub(crate) struct Demo {
    /// E.g. `http://127.0.0.1:41234`.
    pub(crate) base: String,
    /// The demo dashboard's id.
    pub(crate) dashboard: String,
    /// A bearer token of the demo admin.
    pub(crate) token: String,
}

impl Demo {
    /// Signed in as the demo admin (session cookie and CSRF token).
    pub(crate) fn admin(&self) -> As {
        let (cookie, csrf) = login(&self.base, DEMO_ADMIN, DEMO_PASSWORD).unwrap();
        As::Session { cookie, csrf }
    }

    /// Add `widget` (the API's widget object) to the demo dashboard.
    pub(crate) fn add_widget(&self, widget: serde_json::Value) {
        let url = format!("{}/api/v1/dashboards/{}", self.base, self.dashboard);
        let who = As::Token(self.token.clone());
        let mut d = send("GET", &url, &who, None).json();
        let mut widgets = d["widgets"].take();
        widgets.as_array_mut().unwrap().push(widget);
        let body = serde_json::json!({
            "version": d["version"], "title": d["title"],
            "layout": d["layout"].take(), "widgets": widgets,
        });
        let put = send("PUT", &url, &who, json_body(&body));
        assert_eq!(put.status, 200, "{}", put.body);
    }

    /// The URL of widget `id` of the demo dashboard over `range`.
    pub(crate) fn widget(&self, id: &str, range: &str) -> String {
        format!(
            "{}/dashboards/{}/widgets/{id}?range={range}",
            self.base, self.dashboard
        )
    }
}

/// The config `wasmdash demo` wrote in `dir` for a demo of `orders`
/// orders, read for a test server (free port, the tests' plugin cache).
pub(crate) fn demo_config(dir: &Path, orders: usize) -> Config {
    let opts = DemoOptions {
        orders,
        progress: false,
        ..DemoOptions::default()
    };
    let path = create(dir, "127.0.0.1:0", &opts).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
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
    Config::parse(&text, &path, env).unwrap()
}

/// Start a server over a fresh demo of `orders` orders whose database
/// `change` may edit first (SQL run on `demo.db`; empty for none).
pub(crate) async fn start_demo(orders: usize, change: &str) -> Running<Demo> {
    let dir = tempfile::tempdir().unwrap();
    let config = demo_config(dir.path(), orders);
    if !change.is_empty() {
        let db = rusqlite::Connection::open(dir.path().join(DEMO_DB)).unwrap();
        db.execute_batch(change).unwrap();
    }
    let (dashboard, token) = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
        let auth = Auth::new(store.clone(), AuthConfig::default());
        seed_demo(&auth, Some(DEMO_PASSWORD.into())).unwrap();
        let admin = store.user_by_name(DEMO_ADMIN).unwrap().unwrap();
        let token = auth
            .create_api_token(&admin.id, "tests", Utc::now())
            .unwrap()
            .plaintext;
        let dashboard = store
            .default_dashboard(&admin.id)
            .unwrap()
            .unwrap()
            .as_str()
            .to_owned();
        (dashboard, token)
    };
    Running::start(&config, dir, |base| Demo {
        base,
        dashboard,
        token,
    })
    .await
}
