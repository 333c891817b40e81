//! Run with: `cargo bench --workspace --bench rollups`
//!
//! Long ranges with and without rollups (issue 14), in one run on the
//! 1,000,000-row demo:
//! - the long-range shape, monthly count + average over all rows (two
//!   metrics of one dataset, `/api/v1/series`), against the raw single-scan
//!   SQL, on SQLite, PostgreSQL and MariaDB (the latter two skipped, with a
//!   reason, when unreachable): p50 of cold requests (each range ends a
//!   minute earlier, so no cached answer applies), raw and API samples
//!   taken alternately;
//! - the demo home dashboard's full cold load (every widget fragment,
//!   fetched at once as the page does) at 30, 90 and 365 days;
//! - the rollup build for the 1M rows, and the incremental refresh after
//!   10,000 new rows inside the look-back window, on each database (p50
//!   and p95 of several rounds, each taking its rows out again);
//! - peak RSS of a `wasmdash serve` process answering those questions,
//!   without rollups and with rollups it builds itself.
//!
//! `ROLLUP_BENCH_ONLY=sqlite|server|postgres|mariadb` runs one part;
//! `ROLLUP_BENCH_ONLY=scale` runs only the scale part (not run by
//! default, it takes minutes): the long-range shape on 1M and 10M rows
//! generated inside PostgreSQL, with and without rollups.
//!
//! Targets: without rollups ≤ 1.0× raw; with rollups ≤ 20 ms p50 for the
//! long-range shape (1M and 10M rows), ≤ 300 ms for the 365-day
//! dashboard, build ≤ 5 s, refresh ≤ 100 ms, server RSS ≤ 150 MiB.

mod figures;
mod rollup_db;
mod serve_process;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use figures::{ms, p50, rfc, ts};
use rollup_db::{MARIADB_URL, PG_URL};
use serve_process::memory_mib;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::DataEngine;
use wasmdash::data::demo::{DEMO_DB, DemoOptions, create};
use wasmdash::server::Server;
use wasmdash::store::{Role, SledStore, Store};

const RUNS: usize = 15;

/// The rollups the "with" side serves from: hourly for hour buckets,
/// daily (far fewer buckets) for the rest; the coarsest that fits answers
/// the whole days, the hourly one the hours at the range's edges.
const ROLLUP: &str = r#"
[[rollup]]
name = "orders_hourly"
dataset = "orders"
grain = "1h"
dimensions = ["status", "region"]
sum = ["amount", "completion_seconds"]
lookback = "2h"

[[rollup]]
name = "orders_daily"
dataset = "orders"
grain = "1d"
dimensions = ["status", "region"]
sum = ["amount", "completion_seconds"]
lookback = "2h"
"#;

/// `ROLLUP_BENCH_ONLY=NAME` runs one part; without it every part but
/// `scale` runs.
fn part(name: &str) -> bool {
    match std::env::var("ROLLUP_BENCH_ONLY") {
        Ok(only) => only == name,
        Err(_) => name != "scale",
    }
}

const WIDGETS: &[&str] = &[
    "orders",
    "active",
    "errors",
    "completion",
    "trend",
    "status",
    "regions",
    "revenue",
    "latest",
];

/// A running server and what a client needs.
struct Running {
    base: String,
    token: String,
    dashboard: String,
}

/// Seed the demo dashboard and a viewer's token into the state store of
/// `config`: (token, dashboard id).
fn seed(config: &Config, now: DateTime<Utc>) -> (String, String) {
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).expect("state store"));
    let auth = Auth::new(store.clone(), AuthConfig::default());
    wasmdash::seed::seed_demo(&auth, Some("bench admin password".into())).expect("seed");
    let user = auth
        .create_user("bench", "bench password", Role::Viewer, now)
        .expect("user");
    let token = auth
        .create_api_token(&user.id, "bench", now)
        .expect("token")
        .plaintext;
    let dashboard = store.dashboards().expect("dashboards")[0].id.clone();
    (token, dashboard.as_str().to_owned())
}

/// Start a server on `config` (its own data dir) in `rt`, with the demo
/// dashboard seeded and a viewer's token.
fn serve(rt: &tokio::runtime::Runtime, config: &Config, now: DateTime<Utc>) -> Running {
    let (token, dashboard) = seed(config, now);
    let server = rt.block_on(Server::bind(config)).expect("server");
    let base = format!("http://{}", server.local_addr());
    rt.spawn(server.run(std::future::pending()));
    Running {
        base,
        token,
        dashboard,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn get(agent: &ureq::Agent, url: &str, token: &str) -> (Duration, serde_json::Value) {
    let t = Instant::now();
    let mut resp = agent
        .get(url)
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200, "{url}");
    let body = resp.body_mut().read_to_string().expect("body");
    (t.elapsed(), serde_json::from_str(&body).unwrap_or_default())
}

/// The env overrides putting a server's listener on a free port and its
/// data in `state` (relative to `dir`).
fn server_env(dir: &Path, state: &str) -> Vec<(String, String)> {
    vec![
        (
            "WASMDASH_SERVER__LISTEN".to_owned(),
            "127.0.0.1:0".to_owned(),
        ),
        (
            "WASMDASH_SERVER__DATA_DIR".to_owned(),
            dir.join(state).display().to_string(),
        ),
    ]
}

/// A config: the demo's, with `source` as the URL and `table` naming the
/// orders (and `customers`) tables, data in `state`, and `extra` TOML.
fn config(dir: &Path, text: &str, state: &str, extra: &str) -> Config {
    let text = format!("{text}\n{extra}");
    Config::parse(&text, &dir.join("wasmdash.toml"), server_env(dir, state)).expect("config")
}

/// The long-range question over `[start, now - i minutes)`.
fn long_range_query(start: DateTime<Utc>, now: DateTime<Utc>, i: usize) -> String {
    let end = now - chrono::Duration::minutes(i as i64 + 1);
    format!(
        "/api/v1/series?metrics=total_orders,avg_order_value&bucket=month&from={}&to={}",
        rfc(start),
        rfc(end)
    )
}

/// The long-range shape: raw SQL (`raw` times one run) against the API
/// without and with rollups, p50 of `runs` alternating cold samples.
fn long_range(
    name: &str,
    runs: usize,
    mut raw: impl FnMut() -> Duration,
    plain: &Running,
    rolled: &Running,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    let agent = agent();
    let (mut raws, mut without, mut with) = (Vec::new(), Vec::new(), Vec::new());
    let mut paths = Vec::new();
    for i in 0..runs {
        raws.push(raw());
        let q = long_range_query(start, now, i);
        without.push(get(&agent, &format!("{}{q}", plain.base), &plain.token).0);
        let (took, v) = get(&agent, &format!("{}{q}", rolled.base), &rolled.token);
        with.push(took);
        paths.push(
            v["series"][0]["answered_by"]
                .as_str()
                .unwrap_or("?")
                .to_owned(),
        );
    }
    if std::env::var_os("ROLLUP_BENCH_VERBOSE").is_some() {
        println!(
            "  with rollups, each: {:?}",
            with.iter().map(|d| ms(*d).round()).collect::<Vec<_>>()
        );
    }
    let (raw, without, with) = (p50(raws), p50(without), p50(with));
    println!(
        "{name:<10} raw {:>9.2} ms | API without rollups {:>9.2} ms ({:.2}x raw) | with rollups {:>7.2} ms ({}) ",
        ms(raw),
        ms(without),
        ms(without) / ms(raw).max(1e-6),
        ms(with),
        paths.last().map_or("?", String::as_str),
    );
}

/// The home dashboard at `days`: every fragment at once, p50 of `runs`
/// cold loads (each load's range ends a minute earlier).
fn dashboard(server: &Running, days: i64, now: DateTime<Utc>, runs: usize) -> Duration {
    let samples = (0..runs)
        .map(|i| {
            let end = now - chrono::Duration::minutes(1000 + i as i64);
            let range = format!(
                "range=custom&from={}&to={}",
                rfc(end - chrono::Duration::days(days)),
                rfc(end)
            );
            let t = Instant::now();
            std::thread::scope(|s| {
                for w in WIDGETS {
                    let url = format!(
                        "{}/api/v1/dashboards/{}/widgets/{w}/html?{range}",
                        server.base, server.dashboard
                    );
                    s.spawn(move || get(&agent(), &url, &server.token));
                }
            });
            t.elapsed()
        })
        .collect();
    p50(samples)
}

/// Refresh rounds per database: each adds 10,000 late rows, times the
/// refresh folding them in, then takes them out again (refreshed, not
/// timed), so every round asks the same.
const REFRESH_RUNS: usize = 9;

/// What [`build_and_refresh`] measured.
struct Built {
    build: Duration,
    /// One per round, in order.
    refreshes: Vec<Duration>,
    /// Each rollup's buckets and build time.
    each: String,
}

/// Build the rollups of `config` (timed), then [`REFRESH_RUNS`] times
/// `add` late rows, time the incremental refresh that folds them in, and
/// `remove` them again.
fn build_and_refresh(
    rt: &tokio::runtime::Runtime,
    config: &Config,
    mut add: impl FnMut(),
    mut remove: impl FnMut(),
) -> Built {
    let mut engine = rt.block_on(DataEngine::connect(config)).expect("engine");
    engine
        .open_rollups(&config.rollup_file())
        .expect("rollup file");
    let t = Instant::now();
    let built = rt.block_on(engine.refresh_rollups()).expect("build");
    let build = t.elapsed();
    let each: Vec<String> = built
        .iter()
        .map(|r| {
            format!(
                "{} {} buckets in {} ms",
                r.name,
                r.buckets,
                r.last_run_ms.unwrap_or(0)
            )
        })
        .collect();
    let refreshes = (0..REFRESH_RUNS)
        .map(|_| {
            add();
            let t = Instant::now();
            rt.block_on(engine.refresh_rollups()).expect("refresh");
            let took = t.elapsed();
            remove();
            rt.block_on(engine.refresh_rollups()).expect("refresh");
            took
        })
        .collect();
    Built {
        build,
        refreshes,
        each: each.join(", "),
    }
}

fn print_build(name: &str, rows: &str, built: &Built) {
    println!(
        "{name:<10} rollup build, {rows} rows, both rollups: {:.2} s ({}; target ≤ 5 s)",
        built.build.as_secs_f64(),
        built.each,
    );
    let mut sorted = built.refreshes.clone();
    sorted.sort();
    // Nearest rank.
    let p95 = sorted[(sorted.len() * 95).div_ceil(100) - 1];
    println!(
        "{name:<10} incremental refresh after 10000 new rows in the look-back window, {} rounds: \
         p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (target ≤ 100 ms); each: {:?}",
        sorted.len(),
        ms(p50(sorted.clone())),
        ms(p95),
        ms(sorted[sorted.len() - 1]),
        built
            .refreshes
            .iter()
            .map(|d| ms(*d).round())
            .collect::<Vec<_>>(),
    );
}

fn main() {
    // `RUST_LOG=wasmdash_data=debug` shows which path answered each scan.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let now = Utc::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    if part("scale") {
        scale(&rt, dir.path(), now);
        return;
    }
    let opts = DemoOptions {
        progress: false,
        now,
        ..DemoOptions::default()
    };
    eprintln!("generating {} demo orders…", opts.orders);
    let demo_config = create(dir.path(), "127.0.0.1:0", &opts).expect("demo data");
    let text = std::fs::read_to_string(&demo_config).expect("demo config");
    let db: PathBuf = dir.path().join(DEMO_DB);
    let start = now - chrono::Duration::days(731);

    // Build, then refresh after 10,000 rows inside the look-back window.
    let with_rollup = config(dir.path(), &text, "state-rollup", ROLLUP);
    let built = build_and_refresh(
        &rt,
        &with_rollup,
        || add_rows(&db, now, 10_000),
        || remove_rows(&db),
    );
    print_build("SQLite", "1M", &built);

    if part("sqlite") {
        // SQLite: the same demo served without and with the rollup.
        let plain = serve(&rt, &config(dir.path(), &text, "state-plain", ""), now);
        let rolled = serve(&rt, &with_rollup, now);
        let conn =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .expect("open demo db");
        let sqlite_raw = || {
            let t = Instant::now();
            let mut st = conn
                .prepare_cached(
                    "SELECT substr(created_at, 1, 7), count(*), avg(amount) FROM orders \
                     WHERE +created_at >= ?1 AND +created_at < ?2 GROUP BY 1",
                )
                .expect("prepare");
            let mut rows = st.query([ts(start), ts(now)]).expect("query");
            while rows.next().expect("row").is_some() {}
            t.elapsed()
        };
        println!("long range: monthly count + avg over all 1M rows (p50 of {RUNS} cold runs)");
        long_range("SQLite", RUNS, sqlite_raw, &plain, &rolled, start, now);

        println!("home dashboard, every fragment at once, cold (p50 of {RUNS})");
        for days in [30, 90, 365] {
            let without = dashboard(&plain, days, now, RUNS);
            let with = dashboard(&rolled, days, now, RUNS);
            println!(
                "{days:>4} d: without rollups {:>8.1} ms | with rollups {:>8.1} ms",
                ms(without),
                ms(with)
            );
        }
    }
    if part("server") {
        server_memory(dir.path(), &text, start, now);
    }
    other_databases(&rt, dir.path(), &text, &db, start, now);
}

/// Insert `n` orders in the hour before the last full hour (inside a 2 h
/// look-back window).
fn add_rows(db: &Path, now: DateTime<Utc>, n: usize) {
    let mut conn = rusqlite::Connection::open(db).expect("open demo db");
    let hour = rollup_db::late_hour(now);
    let tx = conn.transaction().expect("tx");
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO orders (created_at, status, region, customer_id, product, amount, completion_seconds) \
                 VALUES (?1, 'completed', 'eu', 1, 'Starter plan', 19.0, 60)",
            )
            .expect("insert");
        for i in 0..n {
            let t = DateTime::from_timestamp(hour + (i as i64 % 3600), 0).expect("time");
            ins.execute([ts(t)]).expect("row");
        }
    }
    tx.commit().expect("commit");
}

/// Take out the rows [`add_rows`] added (the only ones completed in 60 s).
fn remove_rows(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("open demo db");
    conn.execute(
        &format!("DELETE FROM orders WHERE {}", rollup_db::ADDED),
        [],
    )
    .expect("remove late rows");
}

/// Peak RSS of the server on its own: a `wasmdash serve` process over the
/// SQLite demo, without rollups and with rollups it builds itself, asked
/// the long-range question and the home dashboard at 30/90/365 days.
fn server_memory(dir: &Path, text: &str, start: DateTime<Utc>, now: DateTime<Utc>) {
    println!(
        "server process RSS (wasmdash serve, SQLite demo; long range ×5, dashboards 30/90/365 d ×5)"
    );
    for (label, extra, state) in [
        ("without rollups", "", "state-rss-plain"),
        (
            "with rollups (built by the server)",
            ROLLUP,
            "state-rss-rollup",
        ),
    ] {
        let file = dir.join(format!("{state}.toml"));
        std::fs::write(&file, format!("{text}\n{extra}")).expect("config file");
        let (token, home) = seed(&config(dir, text, state, extra), now);
        let env = server_env(dir, state);
        let server = serve_process::start(&file, &env);
        let t = Instant::now();
        if !extra.is_empty() {
            wait_built(&file, &env);
        }
        let built = t.elapsed();
        let running = Running {
            base: server.base.clone(),
            token,
            dashboard: home,
        };
        let agent = agent();
        for i in 0..5 {
            let q = long_range_query(start, now, i);
            get(&agent, &format!("{}{q}", running.base), &running.token);
        }
        for days in [30, 90, 365] {
            dashboard(&running, days, now, 5);
        }
        let (peak, current) = memory_mib(server.child.id());
        println!(
            "  {label:<36} peak {peak:>5.0} MiB, now {current:>5.0} MiB{} (target ≤ 150 MiB)",
            if extra.is_empty() {
                String::new()
            } else {
                format!(", rollups built in {:.1} s", built.as_secs_f64())
            }
        );
        drop(server);
    }
}

/// Wait until the server on config `file` reports every rollup ready.
fn wait_built(file: &Path, env: &[(String, String)]) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        let out = Command::new(env!("CARGO_BIN_EXE_wasmdash"))
            .args(["rollups", "status", "--json", "--config"])
            .arg(file)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("wasmdash rollups status");
        let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let ready = status
            .as_array()
            .is_some_and(|all| !all.is_empty() && all.iter().all(|r| r["state"] == "ready"));
        if ready {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the server did not build its rollups within 300 s");
}

/// The long-range shape on PostgreSQL and MariaDB: the demo's tables
/// copied in, served without and with the rollup; build and refresh
/// timed on each.
fn other_databases(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    text: &str,
    db: &Path,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    if !part("postgres") && !part("mariadb") {
        return;
    }
    let (orders, customers) = rollup_db::demo_rows(db);
    let pg = if part("postgres") {
        rt.block_on(rollup_db::load_postgres(&orders, &customers))
    } else {
        None
    };
    if let Some(client) = pg {
        let pg_text = text
            .replace("sqlite://demo.db", PG_URL)
            .replace("table = \"orders\"", "table = \"rollup_bench.orders\"")
            .replace(
                "table = \"customers\"",
                "table = \"rollup_bench.customers\"",
            );
        let plain = serve(rt, &config(dir, &pg_text, "state-pg-plain", ""), now);
        let rolled_config = config(dir, &pg_text, "state-pg-rollup", ROLLUP);
        let built = build_and_refresh(
            rt,
            &rolled_config,
            || {
                rt.block_on(rollup_db::add_postgres(
                    &client,
                    "rollup_bench.orders",
                    now,
                    10_000,
                ));
            },
            || rt.block_on(rollup_db::remove_postgres(&client, "rollup_bench.orders")),
        );
        print_build("PostgreSQL", "1M", &built);
        let rolled = serve(rt, &rolled_config, now);
        let raw = || pg_raw(rt, &client, "rollup_bench.orders", start, now);
        long_range("PostgreSQL", RUNS, raw, &plain, &rolled, start, now);
    }
    let my = if part("mariadb") {
        rt.block_on(rollup_db::load_mariadb(&orders, &customers))
    } else {
        None
    };
    if let Some(pool) = my {
        let my_text = text.replace("sqlite://demo.db", &format!("{MARIADB_URL}_rollup_bench"));
        let plain = serve(rt, &config(dir, &my_text, "state-my-plain", ""), now);
        let rolled_config = config(dir, &my_text, "state-my-rollup", ROLLUP);
        let built = build_and_refresh(
            rt,
            &rolled_config,
            || rt.block_on(rollup_db::add_mariadb(&pool, now, 10_000)),
            || rt.block_on(rollup_db::remove_mariadb(&pool)),
        );
        print_build("MariaDB", "1M", &built);
        let rolled = serve(rt, &rolled_config, now);
        let raw = || {
            use mysql_async::prelude::Queryable;
            rt.block_on(async {
                let mut conn = pool.get_conn().await.expect("mariadb conn");
                let t = Instant::now();
                let _: Vec<(String, i64, f64)> = conn
                    .exec(
                        "SELECT DATE_FORMAT(created_at, '%Y-%m'), COUNT(*), AVG(amount) FROM orders \
                         WHERE created_at >= ? AND created_at < ? GROUP BY 1",
                        (ts(start), ts(now)),
                    )
                    .await
                    .expect("mariadb query");
                t.elapsed()
            })
        };
        long_range("MariaDB", RUNS, raw, &plain, &rolled, start, now);
    }
}

/// The raw single-scan SQL of the long-range shape on PostgreSQL.
fn pg_raw(
    rt: &tokio::runtime::Runtime,
    client: &tokio_postgres::Client,
    table: &str,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Duration {
    rt.block_on(async {
        let t = Instant::now();
        client
            .query(
                &format!(
                    "SELECT date_trunc('month', created_at), count(*), avg(amount) \
                     FROM {table} WHERE created_at >= $1::text::timestamp \
                     AND created_at < $2::text::timestamp GROUP BY 1"
                ),
                &[&ts(start), &ts(now)],
            )
            .await
            .expect("pg query");
        t.elapsed()
    })
}

/// How cost grows with rows: the long-range shape on 1M and 10M orders
/// generated inside PostgreSQL (the same way for both), raw SQL against
/// the API without and with rollups, and the rollup build and refresh.
fn scale(rt: &tokio::runtime::Runtime, dir: &Path, now: DateTime<Utc>) {
    let Some(client) = rt.block_on(rollup_db::postgres()) else {
        return;
    };
    // The demo's config (its few rows are not used).
    let opts = DemoOptions {
        orders: 10,
        progress: false,
        now,
        ..DemoOptions::default()
    };
    let text = std::fs::read_to_string(create(dir, "127.0.0.1:0", &opts).expect("demo config"))
        .expect("demo config");
    let text = text
        .replace(
            "url = \"sqlite://demo.db\"",
            &format!("url = \"{PG_URL}\"\nquery_timeout_ms = 300000"),
        )
        .replace("table = \"orders\"", "table = \"rollup_scale.orders\"")
        .replace(
            "table = \"customers\"",
            "table = \"rollup_scale.customers\"",
        );
    let start = now - chrono::Duration::days(731);
    for (rows, label, runs) in [(1_000_000, "1M", RUNS), (10_000_000, "10M", 5)] {
        rt.block_on(rollup_db::generate_postgres(
            &client,
            "rollup_scale",
            rows,
            now,
        ));
        let plain = serve(
            rt,
            &config(dir, &text, &format!("state-scale-{label}-plain"), ""),
            now,
        );
        let rolled_config = config(dir, &text, &format!("state-scale-{label}-rollup"), ROLLUP);
        let built = build_and_refresh(
            rt,
            &rolled_config,
            || {
                rt.block_on(rollup_db::add_postgres(
                    &client,
                    "rollup_scale.orders",
                    now,
                    10_000,
                ));
            },
            || rt.block_on(rollup_db::remove_postgres(&client, "rollup_scale.orders")),
        );
        print_build(&format!("PG {label}"), label, &built);
        let rolled = serve(rt, &rolled_config, now);
        let raw = || pg_raw(rt, &client, "rollup_scale.orders", start, now);
        println!("long range on {label} generated rows (p50 of {runs})");
        long_range(
            &format!("PG {label}"),
            runs,
            raw,
            &plain,
            &rolled,
            start,
            now,
        );
    }
    rt.block_on(client.batch_execute("DROP SCHEMA rollup_scale CASCADE"))
        .expect("drop scale schema");
}
