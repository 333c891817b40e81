//! Durability of the real server: start the `wasmdash serve` binary, save a
//! layout change over HTTP, SIGKILL the process the moment the 2xx
//! arrives, start it again on the same data directory: the change is there.
//! (sled alone would lose up to 0.5 s of acknowledged writes; the store
//! flushes before answering.)

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use serde_json::json;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::store::{Dashboard, DashboardContent, Layout, Role, SledStore, Store, Widget};

use crate::data_support as data;
use crate::server_support::{Serving, serve};
use crate::web_support::{As, PASSWORD, layout_body, login, send};

/// The SIGKILL itself (`Child::kill` is SIGKILL on Unix): no shutdown
/// code runs, nothing gets a chance to flush.
fn sigkill(mut s: Serving) {
    let status = s.kill();
    assert!(!status.success(), "killed, not exited: {status:?}");
}

fn seed(dir: &Path) -> String {
    let config = crate::web_support::config(dir);
    std::fs::write(
        dir.join("wasmdash.toml"),
        data::config_text("sqlite://orders.db", "orders", ""),
    )
    .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
    let auth = Auth::new(store.clone(), AuthConfig::default());
    let editor = auth
        .create_user("editor", PASSWORD, Role::Editor, Utc::now())
        .unwrap();
    let content = DashboardContent {
        title: "Durable".into(),
        layout: Layout::Grid,
        widgets: vec![Widget {
            id: "w1".into(),
            plugin: "metric-card".into(),
            title: "Orders".into(),
            config: json!({"metric": "total_orders"}),
            x: 0,
            y: 0,
            w: 3,
            h: 2,
            tab: 0,
        }],
    };
    let d = Dashboard::new(editor.id, content, Utc::now()).unwrap();
    store.insert_dashboard(&d).unwrap();
    d.id.as_str().to_owned()
}

#[test]
fn a_layout_save_survives_sigkill_of_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let id = seed(dir.path());
    for round in 1..=3u32 {
        let server = serve(dir.path());
        let base = server.base.clone();
        let (cookie, csrf) = login(&base, "editor", PASSWORD).expect("sign in");
        let who = As::Session { cookie, csrf };
        let before = send("GET", &format!("{base}/api/v1/dashboards/{id}"), &who, None).json();
        let version = before["version"].as_u64().unwrap();
        assert_eq!(version, u64::from(round), "every earlier save survived");
        let items = json!([{"id": "w1", "x": round, "y": round, "w": 3 + round, "h": 2}]);
        let saved = send(
            "POST",
            &format!("{base}/dashboards/{id}/layout"),
            &who,
            layout_body(version, &items, &[]),
        );
        assert_eq!(saved.status, 200, "{}", saved.body);
        sigkill(server);

        let server = serve(dir.path());
        let base = server.base.clone();
        let (cookie, csrf) = login(&base, "editor", PASSWORD).expect("sign in after restart");
        let who = As::Session { cookie, csrf };
        let after = send("GET", &format!("{base}/api/v1/dashboards/{id}"), &who, None).json();
        assert_eq!(after["version"], version + 1, "round {round}: {after}");
        let w = &after["widgets"][0];
        assert_eq!(
            (w["x"].as_u64(), w["y"].as_u64(), w["w"].as_u64()),
            (
                Some(u64::from(round)),
                Some(u64::from(round)),
                Some(u64::from(3 + round))
            ),
            "round {round}: the acknowledged layout is there after SIGKILL"
        );
        drop(server);
    }
}
