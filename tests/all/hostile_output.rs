//! Plugins that answer with huge errors: a widget, an exporter and an
//! alert rule each returning 24 MiB of error text. Pages, API responses,
//! export failure lines and alert history keep a short excerpt; the
//! state store stays small over 100 evaluations; guest stderr never
//! reaches a page.

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use serde_json::json;
use wasmdash::alerts::AlertId;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::server::Server;
use wasmdash::store::{Dashboard, DashboardContent, Layout, Role, SledStore, Store, Widget};
use wasmdash_tests::fixtures;

use crate::data_support as data;
use crate::web_support::{As, PASSWORD, json_body, send};

const KIB: usize = 1024;

/// Bytes of the files under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        total += if meta.is_dir() {
            dir_bytes(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}

/// The longest run of `c` in `text`: how much of a plugin's filler text
/// made it through.
fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

fn config(dir: &Path) -> Config {
    data::sqlite_db(dir, &data::orders(200));
    let plugins = dir.join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    for f in [
        fixtures::HUGE_ERROR_WIDGET,
        fixtures::HUGE_ERROR_EXPORTER,
        fixtures::HUGE_ERROR_RULE,
        fixtures::NESTING_BOMB,
    ] {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(f, plugins.join(name)).unwrap();
    }
    let text = data::config_text("sqlite://orders.db", "orders", "");
    let env = vec![
        ("WASMDASH_SERVER__LISTEN".into(), "127.0.0.1:0".into()),
        ("WASMDASH_SERVER__DATA_DIR".into(), "state".into()),
        (
            "WASMDASH_PLUGINS__CACHE_DIR".into(),
            wasmdash_tests::plugin_cache_dir().display().to_string(),
        ),
        (
            "WASMDASH_PLUGINS__DIR".into(),
            plugins.display().to_string(),
        ),
        // Copying 24 MiB in and out of a guest takes a while on a busy
        // machine; this test is about sizes, not speed.
        ("WASMDASH_PLUGINS__TIMEOUT_MS".into(), "5000".into()),
    ];
    Config::parse(&text, &dir.join("wasmdash.toml"), env).unwrap()
}

/// A running server with the hostile plugins installed and a dashboard
/// holding each hostile widget and a normal card.
struct Hostile {
    base: String,
    token: String,
    dashboard: String,
    alerts: Arc<wasmdash::alerts::AlertService>,
    state_dir: std::path::PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start() -> Hostile {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let (dashboard, token) = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
        let auth = Auth::new(store.clone(), AuthConfig::default());
        let editor = auth
            .create_user("editor", PASSWORD, Role::Editor, Utc::now())
            .unwrap();
        let token = auth
            .create_api_token(&editor.id, "tests", Utc::now())
            .unwrap()
            .plaintext;
        let widget = |id: &str, plugin: &str| Widget {
            id: id.into(),
            plugin: plugin.into(),
            title: id.into(),
            config: json!({"metric": "total_orders"}),
            x: 0,
            y: 0,
            w: 3,
            h: 2,
            tab: 0,
        };
        let content = DashboardContent {
            title: "Hostile".into(),
            layout: Layout::Grid,
            widgets: vec![
                widget("huge", "huge-error-widget"),
                widget("bomb", "nesting-bomb"),
                widget("card", "metric-card"),
            ],
        };
        let d = Dashboard::new(editor.id.clone(), content, Utc::now()).unwrap();
        store.insert_dashboard(&d).unwrap();
        (d.id.as_str().to_owned(), token)
    };
    let state_dir = config.data_dir();
    let server = Server::bind(&config).await.unwrap();
    let base = format!("http://{}", server.local_addr());
    let alerts = server.alerts().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    Hostile {
        base,
        token,
        dashboard,
        alerts,
        state_dir,
        stop: Some(stop),
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_plugin_errors_are_cut_everywhere_they_are_shown_or_kept() {
    let h = start().await;
    let (base, dashboard, alerts, state_dir) = (
        h.base.clone(),
        h.dashboard.clone(),
        h.alerts.clone(),
        h.state_dir.clone(),
    );
    let token = h.token.clone();
    let who = As::Token(token);
    let (alert_id, message_alert) = {
        let (base, who, dashboard) = (base.clone(), who.clone(), dashboard.clone());
        tokio::task::spawn_blocking(move || {
            // The widget: its card and the JSON fragment hold an excerpt.
            let card = send(
                "GET",
                &format!("{base}/dashboards/{dashboard}/widgets/huge"),
                &who,
                None,
            );
            assert_eq!(card.status, 200);
            assert!(card.body.contains("widget-error"), "{}", &card.body[..200]);
            assert!(longest_run(&card.body, 'E') <= 4 * KIB, "card");
            assert!(
                card.body.len() <= 8 * KIB,
                "card is {} bytes",
                card.body.len()
            );
            assert!(
                !card.body.contains("stderr"),
                "guest stderr stays in the log"
            );
            let api = send(
                "GET",
                &format!("{base}/api/v1/dashboards/{dashboard}/widgets/huge/html"),
                &who,
                None,
            );
            assert_eq!(api.status, 200);
            assert!(
                api.body.len() <= 8 * KIB,
                "fragment is {} bytes",
                api.body.len()
            );
            // The whole page, which renders widgets lazily, stays small too.
            let page = send("GET", &format!("{base}/dashboards/{dashboard}"), &who, None);
            assert!(longest_run(&page.body, 'E') <= 4 * KIB);

            // The exporter: failing in open (before the first byte) and
            // while streaming (the failure line).
            for (options, what) in [
                ("", "stream"),
                ("&options=%7B%22mode%22%3A%22open%22%7D", "open"),
            ] {
                let export = send(
                    "GET",
                    &format!(
                        "{base}/api/v1/export?dataset=orders&format=huge-error-exporter{options}"
                    ),
                    &who,
                    None,
                );
                assert!(
                    longest_run(&export.body, 'X') <= 4 * KIB,
                    "{what}: {} bytes of X",
                    longest_run(&export.body, 'X')
                );
                assert!(
                    export.body.len() <= 8 * KIB,
                    "{what}: {}",
                    export.body.len()
                );
                // Failing before the first byte is a JSON error naming the
                // exporter; failing mid-stream cuts the download short.
                assert!(
                    what == "stream" || export.body.contains("huge-error-exporter"),
                    "{what}: {}",
                    export.body
                );
            }

            // The rule: the test response holds an excerpt.
            let create = |name: &str, config: serde_json::Value| {
                let got = send(
                    "POST",
                    &format!("{base}/api/v1/alerts"),
                    &who,
                    json_body(&json!({
                        "name": name,
                        "metric": "total_orders",
                        "rule": "huge-error-rule",
                        "rule_config": config,
                        "range": "3000d",
                        "recipients": ["ops@example.com"],
                        "schedule": {"every": {"minutes": 60}}
                    })),
                );
                assert_eq!(got.status, 201, "{}", got.body);
                got.json()["id"].as_str().unwrap().to_owned()
            };
            let id = create("Huge error", json!({"mode": "error"}));
            let tested = send(
                "POST",
                &format!("{base}/api/v1/alerts/{id}/test"),
                &who,
                None,
            );
            assert!(
                tested.body.len() <= 8 * KIB,
                "test answer is {} bytes",
                tested.body.len()
            );
            assert!(longest_run(&tested.body, 'R') <= 4 * KIB);
            let sentence = create("Huge sentence", json!({"mode": "message"}));
            let tested = send(
                "POST",
                &format!("{base}/api/v1/alerts/{sentence}/test"),
                &who,
                None,
            );
            assert!(
                tested.body.len() <= 8 * KIB,
                "test answer is {} bytes",
                tested.body.len()
            );
            (id, sentence)
        })
        .await
        .unwrap()
    };

    // 100 evaluations of each alert: the history keeps excerpts, and the
    // state store grows by little.
    for id in [&alert_id, &message_alert] {
        let before = dir_bytes(&state_dir);
        for _ in 0..100 {
            alerts
                .check_now(Some(&AlertId::from_string(id)))
                .await
                .unwrap();
        }
        let after = dir_bytes(&state_dir);
        println!(
            "state store: {} KiB before, {} KiB after 100 evaluations (+{} KiB)",
            before / 1024,
            after / 1024,
            after.saturating_sub(before) / 1024
        );
        assert!(
            after.saturating_sub(before) <= 1024 * 1024,
            "the state store grew by {} KiB",
            after.saturating_sub(before) / 1024
        );
    }
    tokio::task::spawn_blocking(move || {
        for id in [&alert_id, &message_alert] {
            let history = send(
                "GET",
                &format!("{base}/api/v1/alerts/{id}/history"),
                &who,
                None,
            );
            assert_eq!(history.status, 200, "{}", history.body);
            let body = history.json();
            let entries = body["entries"].as_array().unwrap();
            assert!(!entries.is_empty());
            for e in entries {
                let text = e.to_string();
                assert!(
                    text.len() <= 4 * KIB,
                    "history entry of {} bytes",
                    text.len()
                );
            }
        }
    })
    .await
    .unwrap();
    drop(h);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nesting_bomb_is_an_error_card_and_its_neighbour_stays_fast() {
    let h = start().await;
    let (base, dashboard) = (h.base.clone(), h.dashboard.clone());
    let who = As::Token(h.token.clone());
    let url = move |widget: &str| format!("{base}/dashboards/{dashboard}/widgets/{widget}");
    // Warm up: plugins compiled, the card's query cached.
    {
        let (url, who) = (url.clone(), who.clone());
        tokio::task::spawn_blocking(move || {
            assert_eq!(send("GET", &url("card"), &who, None).status, 200);
        })
        .await
        .unwrap();
    }
    // Four bombs at once, and the card asked for meanwhile.
    let bombs: Vec<_> = (0..4)
        .map(|_| {
            let (url, who) = (url.clone(), who.clone());
            tokio::task::spawn_blocking(move || {
                let t = std::time::Instant::now();
                let answer = send("GET", &url("bomb"), &who, None);
                (answer, t.elapsed())
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let card = {
        let (url, who) = (url.clone(), who.clone());
        tokio::task::spawn_blocking(move || {
            let t = std::time::Instant::now();
            let answer = send("GET", &url("card"), &who, None);
            (answer, t.elapsed())
        })
        .await
        .unwrap()
    };
    for b in bombs {
        let (answer, took) = b.await.unwrap();
        assert_eq!(answer.status, 200);
        assert!(
            answer.body.contains("widget-error"),
            "{}",
            &answer.body[..answer.body.len().min(300)]
        );
        assert!(
            answer.body.contains("too many elements") || answer.body.contains("nests more"),
            "{}",
            answer.body
        );
        assert!(answer.body.len() <= 4 * KIB, "{} bytes", answer.body.len());
        println!("nesting bomb answered in {} ms", took.as_millis());
        assert!(took <= std::time::Duration::from_secs(1), "{took:?}");
    }
    println!("neighbouring card answered in {} ms", card.1.as_millis());
    assert_eq!(card.0.status, 200);
    assert!(!card.0.body.contains("widget-error"), "{}", card.0.body);
    assert!(
        card.1 <= std::time::Duration::from_millis(300),
        "{:?}",
        card.1
    );
}
