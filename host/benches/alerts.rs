//! Run with: `cargo bench --workspace --bench alerts`
//!
//! 10,000 enabled alerts over 50 metrics of the 1,000,000-row demo
//! database, all due in one scheduler tick: the tick's wall time (target
//! ≤ 10 s, issue 6), the metric loads and SQL queries it actually ran, and,
//! as a baseline measured in the same run, the same 50 metric loads through
//! the data engine alone (what the tick cannot do faster than). A second
//! tick, with every alert already in its state, shows the steady state.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde_json::json;
use wasmdash::alerts::{AlertDraft, AlertService, AlertStore};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::demo::{DEMO_DB, DemoOptions, create};
use wasmdash::data::{Clock, DataEngine, RangeSpec};
use wasmdash::plugins::{PluginRegistry, PluginRuntime, PluginSettings};
use wasmdash::store::{Role, SledStore, Store};

const ALERTS: usize = 10_000;
const REGIONS: [&str; 5] = ["eu", "us", "apac", "latam", "africa"];
const AGGREGATES: [&str; 5] = ["count", "sum", "avg", "max", "min"];
/// Each metric load is one scalar query (value and previous period) and
/// one series query (the recent values the rule sees).
const SQL_PER_LOAD: u64 = 2;

/// 50 metrics: 5 aggregates × 5 regions × (all orders | completed only).
fn config_text() -> String {
    let mut text = String::from(
        r#"
[server]
timezone = "Europe/Berlin"
data_dir = "state"

[alerts]
max_concurrent_queries = 8

[[source]]
name = "demo"
url = "sqlite://demo.db"
pool_size = 8

[[dataset]]
name = "orders"
source = "demo"
table = "orders"
time_column = "created_at"
"#,
    );
    for agg in AGGREGATES {
        for region in REGIONS {
            for completed in [false, true] {
                let column = if agg == "count" {
                    String::new()
                } else {
                    "column = \"amount\"\n".into()
                };
                let status = if completed {
                    r#", { column = "status", op = "=", value = "completed" }"#
                } else {
                    ""
                };
                text.push_str(&format!(
                    "\n[[metric]]\nname = \"{}\"\ndataset = \"orders\"\naggregate = \"{agg}\"\n{column}\
                     filters = [{{ column = \"region\", op = \"=\", value = \"{region}\" }}{status}]\n\
                     cache_ttl_secs = 0\n",
                    metric_name(agg, region, completed)
                ));
            }
        }
    }
    text
}

fn metric_name(agg: &str, region: &str, completed: bool) -> String {
    format!(
        "{agg}_{region}{}",
        if completed { "_completed" } else { "" }
    )
}

fn metric_names() -> Vec<String> {
    let mut out = Vec::new();
    for agg in AGGREGATES {
        for region in REGIONS {
            for completed in [false, true] {
                out.push(metric_name(agg, region, completed));
            }
        }
    }
    out
}

fn draft(i: usize, metric: &str) -> AlertDraft {
    // Mostly thresholds at various levels, every fifth a change rule.
    let (rule, config) = if i % 5 == 4 {
        (
            "change",
            json!({"percent": 10 + (i % 40), "direction": "either"}),
        )
    } else {
        (
            "threshold",
            json!({"op": ">", "value": (i % 97) as f64 * 50.0}),
        )
    };
    serde_json::from_value(json!({
        "name": format!("alert {i}"),
        "metric": metric,
        "rule": rule,
        "rule_config": config,
        "range": "24h",
        "recipients": ["ops@example.com"],
        "schedule": {"every": {"minutes": 1}},
        "repeat_interval_minutes": 240
    }))
    .expect("draft")
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = Utc::now();
    let opts = DemoOptions {
        progress: false,
        now,
        ..DemoOptions::default()
    };
    eprintln!("generating {} demo orders…", opts.orders);
    create(dir.path(), "127.0.0.1:0", &opts).expect("demo data");
    assert!(dir.path().join(DEMO_DB).exists());
    let config = Config::parse(&config_text(), &dir.path().join("alerts.toml"), Vec::new())
        .expect("bench config");

    let clock_at = Arc::new(Mutex::new(now));
    let clock: Clock = {
        let c = clock_at.clone();
        Arc::new(move || *c.lock().expect("clock"))
    };
    let set_clock = |t: DateTime<Utc>| *clock_at.lock().expect("clock") = t;

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let data = Arc::new(
            DataEngine::connect(&config)
                .await
                .expect("data engine")
                .with_clock(clock.clone()),
        );
        let settings = PluginSettings::default();
        let plugin_rt = PluginRuntime::new(&settings, &dir.path().join("plugin-cache"))
            .expect("plugin runtime");
        let plugins: Arc<PluginRegistry> =
            PluginRegistry::load_unwatched(plugin_rt, &settings).expect("plugins");
        let sled = SledStore::open(&config.data_dir()).expect("state store");
        let alert_store = AlertStore::new(sled.alert_trees().expect("alert trees"));
        let store: Arc<dyn Store> = Arc::new(sled);
        let auth = Auth::new(store.clone(), AuthConfig::default());
        let owner = auth
            .create_user("bench", "bench password", Role::Editor, now)
            .expect("user");
        let service = Arc::new(
            AlertService::new(alert_store, store, data.clone(), plugins, &config)
                .with_clock(clock.clone()),
        );

        eprintln!("creating {ALERTS} alerts over 50 metrics…");
        let names = metric_names();
        let created = Instant::now();
        let drafts = (0..ALERTS)
            .map(|i| draft(i, &names[i % names.len()]))
            .collect();
        let alerts = service
            .create_many(&owner, drafts)
            .await
            .expect("every alert is valid");
        assert_eq!(alerts.len(), ALERTS);
        eprintln!("created in {:.1} s", secs(created.elapsed()));

        // Baseline: the 50 metric loads alone, through the data engine.
        let range: RangeSpec = "24h".parse().expect("range");
        let statements = data.statements_run();
        let t = Instant::now();
        futures::stream::iter(&names)
            .map(|m| {
                let (data, range) = (&data, &range);
                async move { data.scalar(m, range, true).await.expect("metric") }
            })
            .buffer_unordered(config.alerts.max_concurrent_queries)
            .collect::<Vec<_>>()
            .await;
        let baseline = t.elapsed();
        let baseline_sql = data.statements_run() - statements;

        set_clock(now + chrono::Duration::minutes(1));
        let statements = data.statements_run();
        let t = Instant::now();
        let first = service.tick().await.expect("tick");
        let tick = t.elapsed();
        let first_sql = data.statements_run() - statements;

        set_clock(now + chrono::Duration::minutes(2));
        let statements = data.statements_run();
        let t = Instant::now();
        let second = service.tick().await.expect("tick");
        let steady = t.elapsed();
        let second_sql = data.statements_run() - statements;

        println!("alerts: {ALERTS} enabled, 50 metrics, range 24h, 1,000,000 orders");
        println!(
            "baseline: 50 metric loads alone             {:>8.3} s, SQL statements run: {baseline_sql}",
            secs(baseline)
        );
        println!(
            "tick 1: {} evaluated, {} notifications    {:>8.3} s  ({:.1}x baseline; target <= 10 s: {})",
            first.evaluated,
            first.notifications,
            secs(tick),
            secs(tick) / secs(baseline).max(1e-9),
            if secs(tick) <= 10.0 { "met" } else { "MISSED" }
        );
        println!(
            "        metric loads: {}, SQL statements run (counted at the sources): {first_sql} (vs {} with one load per alert)",
            first.metric_loads,
            ALERTS as u64 * SQL_PER_LOAD
        );
        println!(
            "tick 2 (steady state): {} evaluated, {} notifications {:>8.3} s, SQL statements run: {second_sql}",
            second.evaluated,
            second.notifications,
            secs(steady),
        );
        println!(
            "per alert: {:.0} µs (tick 1), {:.0} µs (tick 2)",
            secs(tick) * 1e6 / ALERTS as f64,
            secs(steady) * 1e6 / ALERTS as f64
        );
    });
}
