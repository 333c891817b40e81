//! `/metrics` of a real `wasmdash serve`: after a plugin timed out and an
//! alert left an email in the outbox, the scrape parses as the Prometheus
//! text format and shows both, next to the HTTP, SQL and cache counters.

use std::time::Duration;

use serde_json::json;

use crate::alerts_http::draft;
use crate::ops_cli::{created_token, ok, serve, site};
use crate::web_support::{As, json_body, send};

/// A parsed scrape.
struct Scrape(prometheus_parse::Scrape);

impl Scrape {
    fn parse(text: &str) -> Self {
        let lines = text.lines().map(|l| Ok(l.to_owned()));
        Self(prometheus_parse::Scrape::parse(lines).expect("Prometheus text format"))
    }

    /// The value of the sample `name` whose labels include `labels`
    /// (counters and gauges), summed over the other labels.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut found = None;
        for s in &self.0.samples {
            if s.metric != name || !labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)) {
                continue;
            }
            let v = match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => continue,
            };
            *found.get_or_insert(0.0) += v;
        }
        found
    }

    /// Whether a histogram `name` has a sample with `labels`.
    fn has_histogram(&self, name: &str, labels: &[(&str, &str)]) -> bool {
        self.0.samples.iter().any(|s| {
            s.metric == name
                && matches!(s.value, prometheus_parse::Value::Histogram(_))
                && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))
        })
    }
}

#[test]
fn metrics_show_a_plugin_timeout_and_an_outbox_item() {
    let (dir, config) = site();
    let d = dir.path();
    let plugins = d.join("plugins");
    std::fs::create_dir(&plugins).unwrap();
    std::fs::copy(
        wasmdash_tests::fixtures::INFINITE_LOOP,
        plugins.join("infinite-loop.wasm"),
    )
    .unwrap();
    let plugins = plugins.to_str().unwrap().to_owned();
    let server = serve(
        &config,
        &[
            ("WASMDASH_ADMIN_PASSWORD", "first admin password"),
            ("WASMDASH_SERVER__METRICS_LISTEN", "127.0.0.1:0"),
            ("WASMDASH_PLUGINS__DIR", &plugins),
        ],
    );
    let metrics_line = server.next_line();
    let scrape_url = metrics_line
        .strip_prefix("metrics for Prometheus at ")
        .unwrap_or_else(|| panic!("{metrics_line:?}"))
        .to_owned();
    assert!(server.next_line().contains("created the administrator"));
    let base = server.base.clone();
    let (_, admin) = created_token(&ok(
        d,
        &[
            "token",
            "create",
            "--user",
            "admin",
            "--name",
            "metrics test",
        ],
        "",
    ));
    let admin = As::Token(admin);

    // A widget whose plugin spins forever: its render times out.
    let body = json!({
        "title": "Hostile",
        "layout": {"kind": "grid"},
        "widgets": [{"id": "w1", "plugin": "infinite-loop", "title": "Loop",
                     "config": {"metric": "total_orders"},
                     "x": 0, "y": 0, "w": 6, "h": 3, "tab": 0}]
    });
    let created = send(
        "POST",
        &format!("{base}/api/v1/dashboards"),
        &admin,
        json_body(&body),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let html = send(
        "GET",
        &format!("{base}/api/v1/dashboards/{id}/widgets/w1/html"),
        &admin,
        None,
    );
    assert!(
        html.body.contains("timed out"),
        "{} {}",
        html.status,
        html.body
    );

    // An alert that fires with no SMTP configured: its email stays queued.
    let alert = send(
        "POST",
        &format!("{base}/api/v1/alerts"),
        &admin,
        json_body(&draft("Many orders")),
    );
    assert_eq!(alert.status, 201, "{}", alert.body);
    let alert = alert.json()["id"].as_str().unwrap().to_owned();
    let checked = ok(d, &["alerts", "check-now", &alert], "");
    assert!(checked.contains("OK -> FIRING"), "{checked}");
    std::thread::sleep(Duration::from_millis(100));

    let scrape = send("GET", &scrape_url, &As::Anonymous, None);
    assert_eq!(scrape.status, 200);
    let m = Scrape::parse(&scrape.body);
    assert!(
        scrape
            .body
            .contains("# TYPE wasmdash_plugin_calls_total counter"),
        "{}",
        scrape.body
    );
    let timeouts = m.value(
        "wasmdash_plugin_calls_total",
        &[("plugin", "infinite-loop"), ("outcome", "timeout")],
    );
    assert_eq!(timeouts, Some(1.0), "{}", scrape.body);
    assert!(m.has_histogram(
        "wasmdash_plugin_call_duration_seconds",
        &[("plugin", "infinite-loop")]
    ));
    assert_eq!(
        m.value("wasmdash_outbox_pending", &[]),
        Some(1.0),
        "{}",
        scrape.body
    );
    let age = m.value("wasmdash_outbox_oldest_age_seconds", &[]).unwrap();
    assert!((0.0..600.0).contains(&age), "{age}");
    assert_eq!(
        m.value("wasmdash_alerts", &[("state", "FIRING")]),
        Some(1.0)
    );
    assert_eq!(m.value("wasmdash_alerts", &[("state", "OK")]), Some(0.0));
    let route = "/api/v1/dashboards/:id/widgets/:widget/html";
    assert!(
        m.value(
            "wasmdash_http_requests_total",
            &[("route", route), ("method", "GET")]
        )
        .is_some(),
        "{}",
        scrape.body
    );
    assert!(m.has_histogram(
        "wasmdash_http_request_duration_seconds",
        &[("route", route)]
    ));
    assert!(
        m.value(
            "wasmdash_sql_queries_total",
            &[("source", "main"), ("outcome", "ok")]
        )
        .unwrap()
            >= 1.0
    );
    assert!(m.has_histogram("wasmdash_sql_query_duration_seconds", &[("source", "main")]));
    assert!(m.value("wasmdash_cache_misses_total", &[]).unwrap() >= 1.0);
    assert_eq!(m.value("wasmdash_plugin_slots_busy", &[]), Some(0.0));
    assert!(m.value("wasmdash_plugin_slots", &[]).unwrap() >= 1.0);
    // Loading the plugins at start is not a call.
    assert_eq!(
        m.value("wasmdash_plugin_calls_total", &[("plugin", "metric-card")]),
        None,
        "{}",
        scrape.body
    );
}
