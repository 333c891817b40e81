//! One schema per widget: the plugin's keys plus the binding keys its data
//! shape needs. The forms offer every binding key, and an unknown or wrong
//! key is refused with the key named by the API, the form and import;
//! stored dashboards are checked when the server starts.

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Value, json};
use wasmdash::store::{Dashboard, DashboardContent, Layout, Store, Widget};

use crate::web_support::{As, PASSWORD, form_body, json_body, login, send, start};

/// Inside the generated orders, with orders in the period before it too
/// (for the previous-period overlay).
pub(crate) const RANGE: &str = "range=custom&from=2025-02-20&to=2025-03-31";

fn widget(plugin: &str, config: Value) -> Value {
    json!({"id": "w1", "plugin": plugin, "title": "t", "config": config, "x": 0, "y": 0, "w": 6, "h": 3})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_wrong_keys_are_refused_by_name_in_api_form_and_import() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let (cookie, csrf) = login(base, "editor", PASSWORD).unwrap();
        let editor = As::Session { cookie, csrf };
        let api = format!("{base}/api/v1/dashboards/{}", w.private);
        let before: Value = send("GET", &api, &editor, None).json();

        // The schema the API publishes is the one every check uses.
        let pie = send(
            "GET",
            &format!("{base}/api/v1/plugins/status-pie/schema"),
            &editor,
            None,
        );
        assert_eq!(pie.status, 200, "{}", pie.body);
        let pie = pie.json();
        assert_eq!(pie["additionalProperties"], false);
        assert!(
            pie["required"]
                .as_array()
                .unwrap()
                .contains(&json!("dimension")),
            "{pie}"
        );
        let metrics = pie["properties"]["metric"]["enum"].as_array().unwrap();
        assert!(metrics.contains(&json!("total_orders")), "{pie}");
        // `customers` has no dimensions, so it cannot feed a pie.
        assert!(!metrics.contains(&json!("customers")), "{pie}");
        let table = send(
            "GET",
            &format!("{base}/api/v1/plugins/data-table/schema"),
            &editor,
            None,
        )
        .json();
        assert_eq!(table["properties"]["dataset"]["enum"], json!(["orders"]));
        assert!(table["properties"].get("columns").is_some(), "{table}");
        let missing = send(
            "GET",
            &format!("{base}/api/v1/plugins/nope/schema"),
            &editor,
            None,
        );
        assert_eq!(missing.status, 404, "{}", missing.body);

        let cases = [
            (
                "unknown key",
                widget(
                    "metric-card",
                    json!({"metric": "total_orders", "invert_trend": true}),
                ),
                "invert_trend",
            ),
            (
                "pie without dimension",
                widget("status-pie", json!({"metric": "total_orders"})),
                "dimension",
            ),
            (
                "dimension of another metric",
                widget(
                    "bar-chart",
                    json!({"metric": "avg_completion", "dimension": "status"}),
                ),
                "dimension",
            ),
            (
                "unknown metric",
                widget("trend-chart", json!({"metric": "nope"})),
                "metric",
            ),
            (
                "unknown column",
                widget(
                    "data-table",
                    json!({"dataset": "orders", "columns": ["id", "secret"]}),
                ),
                "columns",
            ),
            (
                "table without dataset",
                widget("data-table", json!({"columns": ["id"]})),
                "dataset",
            ),
        ];
        for (what, w1, key) in cases {
            let body = json!({"version": 1, "title": "T", "widgets": [w1]});
            let got = send("PUT", &api, &editor, json_body(&body));
            assert_eq!(got.status, 422, "{what}: {}", got.body);
            let answer = got.json();
            assert!(
                answer["error"].as_str().unwrap().contains(key),
                "{what}: {answer}"
            );
            assert_eq!(answer["field"], key, "{what}: {answer}");
        }

        // The widget form refuses the same key, keeps what was typed, saves nothing.
        let raw = r#"{"metric":"total_orders","invert_trend":true}"#;
        let got = send(
            "POST",
            &format!("{base}/dashboards/{}/widgets", w.private),
            &editor,
            form_body(&format!(
                "plugin=metric-card&version=1&title=T&config_json={}",
                urlencode(raw)
            )),
        );
        assert_eq!(got.status, 422, "{}", got.body);
        assert!(
            got.body.contains("unknown key `invert_trend`"),
            "{}",
            got.body
        );
        assert!(
            got.body.contains("&quot;invert_trend&quot;:true"),
            "the typed JSON is kept: {}",
            got.body
        );

        // Import refuses it too, naming the key.
        let mut doc = send("GET", &format!("{api}/json"), &editor, None).json();
        doc["widgets"][0]["config"]["invert_trend"] = json!(true);
        let got = send(
            "POST",
            &format!("{base}/api/v1/dashboards/import"),
            &editor,
            json_body(&doc),
        );
        assert_eq!(got.status, 422, "{}", got.body);
        assert!(
            got.json()["error"]
                .as_str()
                .unwrap()
                .contains("invert_trend"),
            "{}",
            got.body
        );

        let after: Value = send("GET", &api, &editor, None).json();
        assert_eq!(before, after, "nothing may have been saved");
        let list = send("GET", &format!("{base}/api/v1/dashboards"), &editor, None).json();
        assert!(!list.to_string().contains("invert_trend"));
    })
    .await
    .unwrap();
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_forms_build_every_built_in_widget() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let (cookie, csrf) = login(base, "editor", PASSWORD).unwrap();
        let editor = As::Session { cookie, csrf };
        let new = |plugin: &str| {
            send("GET", &format!("{base}/dashboards/{}/widgets/new?plugin={plugin}", w.private), &editor, None).body
        };
        // Each form offers the binding keys its plugin needs.
        assert!(new("status-pie").contains(r#"name="cfg.dimension""#));
        assert!(new("bar-chart").contains(r#"name="cfg.dimension""#));
        let table = new("data-table");
        assert!(table.contains(r#"name="cfg.dataset""#) && table.contains(r#"name="cfg.columns""#), "{table}");
        let trend = new("trend-chart");
        assert!(trend.contains(r#"name="cfg.show_previous""#) && trend.contains(r#"name="cfg.bucket""#));
        assert!(!trend.contains("cfg.compare_previous"), "one previous-period box: {trend}");
        // Changing the metric asks for the fields again, with its dimensions.
        let fields = send(
            "POST",
            &format!("{base}/dashboards/{}/widgets/fields", w.private),
            &editor,
            form_body("plugin=status-pie&cfg.metric=avg_completion"),
        );
        assert_eq!(fields.status, 200, "{}", fields.body);
        assert!(fields.body.contains(r#"<option value="region">"#), "{}", fields.body);
        assert!(!fields.body.contains(r#"value="status""#), "{}", fields.body);

        let forms = [
            ("metric-card", "cfg.metric=total_orders&cfg.sparkline=true&cfg.higher_is_better=true", "wd-value"),
            ("trend-chart", "cfg.metric=revenue&cfg.bucket=day&cfg.show_previous=true&cfg.style=line&cfg.y_from_zero=true", "wd-previous"),
            ("status-pie", "cfg.metric=total_orders&cfg.dimension=status&cfg.top=5&cfg.donut=true&cfg.show_legend=true", "wd-legend"),
            ("bar-chart", "cfg.metric=revenue&cfg.dimension=region&cfg.top=5&cfg.orientation=vertical", "wd-bar"),
            ("data-table", "cfg.dataset=orders&cfg.columns=id&cfg.columns=status&cfg.sort_column=id&cfg.sort_direction=desc&cfg.page_size=10", "<table"),
        ];
        for (i, (plugin, fields, marker)) in forms.into_iter().enumerate() {
            let got = send(
                "POST",
                &format!("{base}/dashboards/{}/widgets", w.private),
                &editor,
                form_body(&format!("plugin={plugin}&version={}&title=From+the+form&{fields}", i + 1)),
            );
            assert!(got.status < 300, "{plugin}: {} {}", got.status, got.body);
            let d = send("GET", &format!("{base}/api/v1/dashboards/{}", w.private), &editor, None).json();
            let made = d["widgets"].as_array().unwrap().last().unwrap().clone();
            assert_eq!(made["plugin"], plugin);
            let html = send(
                "GET",
                &format!("{base}/api/v1/dashboards/{}/widgets/{}/html?{RANGE}", w.private, made["id"].as_str().unwrap()),
                &editor,
                None,
            )
            .json();
            let html = html["html"].as_str().unwrap();
            assert!(!html.contains("widget-error"), "{plugin}: {html}");
            assert!(html.contains(marker), "{plugin} should show {marker}: {html}");
            if plugin == "data-table" {
                assert_eq!(made["config"]["columns"], json!(["id", "status"]));
                assert!(!html.contains(">amount<"), "only the chosen columns: {html}");
            }
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_and_seeded_dashboards_are_checked_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let opts = wasmdash::data::demo::DemoOptions {
        orders: 2_000,
        progress: false,
        ..Default::default()
    };
    let path = wasmdash::data::demo::create(dir.path(), "127.0.0.1:0", &opts).unwrap();
    let env = vec![(
        "WASMDASH_PLUGINS__CACHE_DIR".to_string(),
        wasmdash_tests::plugin_cache_dir().display().to_string(),
    )];
    let text = std::fs::read_to_string(&path).unwrap();
    let config = wasmdash::config::Config::parse(&text, &path, env).unwrap();
    let server = wasmdash::server::Server::bind(&config).await.unwrap();
    let auth = server.auth().clone();
    wasmdash::seed::seed_demo(&auth, Some(PASSWORD.into())).unwrap();
    // The seeded demo fits its widgets' schemas.
    let problems = server.dashboards().check_stored().unwrap();
    assert!(
        problems.is_empty(),
        "{:?}",
        problems
            .iter()
            .map(|(_, e)| e.to_string())
            .collect::<Vec<_>>()
    );

    // A dashboard stored before the schemas were strict is kept as it is,
    // and reported.
    let store: Arc<dyn Store> = auth.store().clone();
    let admin = store.user_by_name("admin").unwrap().unwrap();
    let old = Dashboard::new(
        admin.id.clone(),
        DashboardContent {
            title: "Old".into(),
            layout: Layout::Grid,
            widgets: vec![Widget {
                id: "card".into(),
                plugin: "metric-card".into(),
                title: "Old card".into(),
                config: json!({"metric": "total_orders", "invert_trend": true}),
                x: 0,
                y: 0,
                w: 3,
                h: 2,
                tab: 0,
            }],
        },
        Utc::now(),
    )
    .unwrap();
    store.insert_dashboard(&old).unwrap();
    let problems = server.dashboards().check_stored().unwrap();
    assert_eq!(problems.len(), 1);
    let (d, why) = &problems[0];
    assert_eq!(d.id, old.id);
    assert!(
        why.to_string().contains("unknown key `invert_trend`"),
        "{why}"
    );

    let base = format!("http://{}", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let id = old.id.as_str().to_owned();
    tokio::task::spawn_blocking(move || {
        let (cookie, csrf) = login(&base, "admin", PASSWORD).unwrap();
        let admin = As::Session { cookie, csrf };
        let got = send(
            "GET",
            &format!("{base}/api/v1/dashboards/{id}/widgets/card/html"),
            &admin,
            None,
        )
        .json();
        let html = got["html"].as_str().unwrap();
        assert!(
            html.contains("widget-error") && html.contains("invert_trend"),
            "{html}"
        );
        // Nothing was dropped from the stored config.
        let d = send(
            "GET",
            &format!("{base}/api/v1/dashboards/{id}"),
            &admin,
            None,
        )
        .json();
        assert_eq!(d["widgets"][0]["config"]["invert_trend"], true);
    })
    .await
    .unwrap();
    let _ = stop.send(());
    serving.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_left_out_takes_the_default_the_schema_shows() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let (cookie, csrf) = login(base, "editor", PASSWORD).unwrap();
        let editor = As::Session { cookie, csrf };
        let schema = |plugin: &str| {
            send(
                "GET",
                &format!("{base}/api/v1/plugins/{plugin}/schema"),
                &editor,
                None,
            )
            .json()
        };
        // What the forms and the API say a widget left alone does...
        assert_eq!(
            schema("metric-card")["properties"]["sparkline"]["default"],
            true
        );
        assert_eq!(
            schema("trend-chart")["properties"]["show_previous"]["default"],
            true
        );
        assert_eq!(
            schema("data-table")["properties"]["page_size"]["default"],
            50
        );
        // ...is what widgets made through the API without those keys do.
        let api = format!("{base}/api/v1/dashboards/{}", w.private);
        let mut at = 0;
        let mut place = |id: &str, plugin: &str, config: Value| {
            at += 4;
            json!({"id": id, "plugin": plugin, "title": id, "config": config,
                   "x": 0, "y": at, "w": 8, "h": 4})
        };
        let widgets = [
            place("card", "metric-card", json!({"metric": "total_orders"})),
            place("trend", "trend-chart", json!({"metric": "total_orders"})),
            place("table", "data-table", json!({"dataset": "orders"})),
        ];
        let body = json!({"version": 1, "title": "Defaults", "widgets": widgets});
        let put = send("PUT", &api, &editor, json_body(&body));
        assert_eq!(put.status, 200, "{}", put.body);
        let html = |id: &str| {
            let got = send(
                "GET",
                &format!("{base}/dashboards/{}/widgets/{id}?{RANGE}", w.private),
                &editor,
                None,
            );
            assert_eq!(got.status, 200, "{}", got.body);
            got.body
        };
        let card = html("card");
        assert!(card.contains("wd-sparkline"), "no sparkline: {card}");
        let trend = html("trend");
        assert!(trend.contains("wd-previous"), "no previous period: {trend}");
        let table = html("table");
        assert_eq!(table.matches("<tr>").count(), 1 + 50, "{table}");
    })
    .await
    .unwrap();
}
