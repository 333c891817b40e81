//! The authorization matrix of data permissions: a dataset limited with
//! `allow = ["role:admin", "user:ana"]` (and its metric) against every
//! way of reading data — the metric and dataset API, widget fragments on a
//! shared dashboard, dataset, widget and report exports, alert creation —
//! for a viewer, the named viewer `ana`, an editor and an admin (the
//! editor is left out so alert creation, which viewers never reach, is
//! refused for someone).

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Value, json};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::store::{
    Dashboard, DashboardContent, Layout, Role, Sharing, SledStore, Store, Widget,
};

use crate::data_support as data;
use crate::server_support::{Running, Tokens};
use crate::web_support::{As, PASSWORD, json_body, send};

/// A second dataset over the same table, limited, with one metric.
const LIMITED: &str = r#"
[[dataset]]
name = "payroll"
label = "Payroll"
source = "main"
table = "orders"
time_column = "created_at"
columns = ["id", "created_at", "amount"]
allow = ["role:admin", "user:ana"]

[[metric]]
name = "payroll_total"
dataset = "payroll"
aggregate = "sum"
column = "amount"
"#;

struct World {
    base: String,
    dashboard: String,
    tokens: Tokens,
}

fn card(id: &str, metric: &str) -> Widget {
    Widget {
        id: id.into(),
        plugin: "metric-card".into(),
        title: id.into(),
        config: json!({ "metric": metric }),
        x: 0,
        y: 0,
        w: 3,
        h: 2,
        tab: 0,
    }
}

async fn start() -> Running<World> {
    let dir = tempfile::tempdir().unwrap();
    data::sqlite_db(dir.path(), &data::orders(300));
    let text = data::config_text("sqlite://orders.db", "orders", LIMITED);
    let env = vec![
        ("WASMDASH_SERVER__LISTEN".into(), "127.0.0.1:0".into()),
        ("WASMDASH_SERVER__DATA_DIR".into(), "state".into()),
        (
            "WASMDASH_PLUGINS__CACHE_DIR".into(),
            wasmdash_tests::plugin_cache_dir().display().to_string(),
        ),
    ];
    let config = Config::parse(&text, &dir.path().join("wasmdash.toml"), env).unwrap();
    let (dashboard, tokens) = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
        let auth = Auth::new(store.clone(), AuthConfig::default());
        let mut tokens = Vec::new();
        let mut users = Vec::new();
        for (name, role) in [
            ("admin", Role::Admin),
            ("editor", Role::Editor),
            ("viewer", Role::Viewer),
            ("ana", Role::Viewer),
        ] {
            let u = auth.create_user(name, PASSWORD, role, Utc::now()).unwrap();
            let t = auth.create_api_token(&u.id, "tests", Utc::now()).unwrap();
            tokens.push((name.to_owned(), t.plaintext));
            users.push(u);
        }
        let content = DashboardContent {
            title: "Mixed".into(),
            layout: Layout::Grid,
            widgets: vec![
                card("open", "total_orders"),
                card("limited", "payroll_total"),
            ],
        };
        let mut d = Dashboard::new(users[1].id.clone(), content, Utc::now()).unwrap();
        d.sharing = Sharing::ReadOnly { role: Role::Viewer };
        store.insert_dashboard(&d).unwrap();
        (d.id.as_str().to_owned(), tokens)
    };
    Running::start(&config, dir, |base| World {
        base,
        dashboard,
        tokens: Tokens(tokens),
    })
    .await
}

fn names(v: &Value, list: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limited_datasets_are_enforced_everywhere_data_is_read() {
    let server = start().await;
    let w = &server.world;
    let (base, dashboard) = (w.base.clone(), w.dashboard.clone());
    let tokens: Vec<(String, String)> = w.tokens.0.clone();
    tokio::task::spawn_blocking(move || {
        for (user, token) in &tokens {
            let who = As::Token(token.clone());
            let allowed = user == "admin" || user == "ana";
            let get = |path: &str| send("GET", &format!("{base}{path}"), &who, None);
            let expect = |path: &str, ok: u16| {
                let got = get(path);
                let want = if allowed { ok } else { 403 };
                assert_eq!(got.status, want, "{user} GET {path}: {}", got.body);
                if !allowed {
                    assert!(
                        got.body.to_lowercase().contains("not permitted"),
                        "{user} {path}: {}",
                        got.body
                    );
                }
            };

            // Lists show only what the user may read.
            let metrics = names(&get("/api/v1/metrics").json(), "metrics");
            assert!(metrics.contains(&"total_orders".to_owned()), "{user}");
            assert_eq!(
                metrics.contains(&"payroll_total".to_owned()),
                allowed,
                "{user}"
            );
            let datasets = names(&get("/api/v1/datasets").json(), "datasets");
            assert!(datasets.contains(&"orders".to_owned()), "{user}");
            assert_eq!(datasets.contains(&"payroll".to_owned()), allowed, "{user}");

            // Reads.
            expect("/api/v1/metrics/payroll_total/value?range=3000d", 200);
            expect("/api/v1/metrics/payroll_total/series?range=30d", 200);
            // Several metrics at once: one the caller may not read refuses
            // the whole request, even beside open ones.
            expect("/api/v1/series?metrics=payroll_total&range=30d", 200);
            expect(
                "/api/v1/series?metrics=total_orders,payroll_total&range=30d",
                200,
            );
            expect("/api/v1/datasets/payroll/rows?limit=5", 200);
            expect("/api/v1/export?dataset=payroll&format=csv", 200);
            expect(
                "/api/v1/export?metric=payroll_total&format=csv&range=30d",
                200,
            );
            expect(
                &format!("/api/v1/dashboards/{dashboard}/widgets/limited/export?format=csv"),
                200,
            );
            // Open data stays open to everyone.
            assert_eq!(
                get("/api/v1/metrics/total_orders/value").status,
                200,
                "{user}"
            );
            assert_eq!(
                get("/api/v1/series?metrics=total_orders&range=30d").status,
                200,
                "{user}"
            );
            assert_eq!(
                get("/api/v1/export?dataset=orders&format=csv").status,
                200,
                "{user}"
            );

            // The shared dashboard: the limited widget says "not permitted"
            // and carries no data; the open one renders.
            let limited = get(&format!("/dashboards/{dashboard}/widgets/limited"));
            assert_eq!(limited.status, 200);
            assert_eq!(
                limited.body.contains("Not permitted"),
                !allowed,
                "{user}: {}",
                limited.body
            );
            let open = get(&format!("/dashboards/{dashboard}/widgets/open"));
            assert!(
                !open.body.contains("Not permitted"),
                "{user}: {}",
                open.body
            );
            let api_fragment = get(&format!(
                "/api/v1/dashboards/{dashboard}/widgets/limited/html"
            ));
            assert_eq!(
                api_fragment.body.contains("Not permitted"),
                !allowed,
                "{user}"
            );

            // The report leaves the limited widget out for the viewer.
            let report = get(&format!(
                "/api/v1/dashboards/{dashboard}/export?format=json&range=3000d"
            ));
            assert_eq!(report.status, 200, "{user}: {}", report.body);
            assert_eq!(
                report.body.contains("payroll_total") || report.body.contains("\"limited\""),
                allowed,
                "{user}: {}",
                report.body
            );

            // Names and columns are hidden with the rows: the pickers of
            // the widget schemas, the export form and the alert form offer
            // only what the caller may read.
            let mut offers = vec![
                "/api/v1/plugins/metric-card/schema",
                "/api/v1/plugins/data-table/schema",
                "/export",
            ];
            if user == "editor" || user == "admin" {
                offers.push("/alerts/new");
            }
            for path in offers {
                let page = get(path);
                assert_eq!(page.status, 200, "{user} {path}: {}", page.body);
                assert_eq!(
                    page.body.to_lowercase().contains("payroll"),
                    allowed,
                    "{user} {path}: {}",
                    page.body
                );
                assert!(page.body.contains("total_orders") || page.body.contains("orders"));
            }

            // Alerts on the limited metric (viewers create none at all).
            if user == "editor" || user == "admin" {
                let created = send(
                    "POST",
                    &format!("{base}/api/v1/alerts"),
                    &who,
                    json_body(&json!({
                        "name": format!("payroll {user}"),
                        "metric": "payroll_total",
                        "rule": "threshold",
                        "rule_config": {"op": ">", "value": 5},
                        "range": "30d",
                        "recipients": ["ops@example.com"],
                        "schedule": {"every": {"minutes": 60}}
                    })),
                );
                let want = if allowed { 201 } else { 403 };
                assert_eq!(created.status, want, "{user}: {}", created.body);
            }
        }
    })
    .await
    .unwrap();
}
