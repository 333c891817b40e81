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
//!   10,000 new rows inside the look-back window;
//! - peak RSS of the process (servers included).
//!
//! Targets: without rollups ≤ 1.0× raw; with rollups ≤ 20 ms p50 for the
//! long-range shape, ≤ 300 ms for the 365-day dashboard, build ≤ 5 s,
//! refresh ≤ 100 ms, RSS ≤ 150 MiB.

mod figures;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use figures::{ms, p50, rfc, ts};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::DataEngine;
use wasmdash::data::demo::{DEMO_DB, DemoOptions, create};
use wasmdash::server::Server;
use wasmdash::store::{Role, SledStore, Store};

const RUNS: usize = 15;
const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const MARIADB_URL: &str = "mysql://root@127.0.0.1:3306/test";

/// The rollups the "with" side serves from: hourly for hour buckets,
/// daily (far fewer buckets) for the rest; the coarsest that fits answers.
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

/// `ROLLUP_BENCH_ONLY=sqlite|postgres|mariadb` runs one part.
fn part(name: &str) -> bool {
    std::env::var("ROLLUP_BENCH_ONLY").map_or(true, |only| only == name)
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

/// Peak and current resident memory of this process, MiB.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|k| k.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// A running server and what a client needs.
struct Running {
    base: String,
    token: String,
    dashboard: String,
}

/// Start a server on `config` (its own data dir) in `rt`, with the demo
/// dashboard seeded and a viewer's token.
fn serve(rt: &tokio::runtime::Runtime, config: &Config, now: DateTime<Utc>) -> Running {
    let (token, dashboard) = {
        let store: Arc<dyn Store> =
            Arc::new(SledStore::open(&config.data_dir()).expect("state store"));
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
    };
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

/// A config: the demo's, with `source` as the URL and `table` naming the
/// orders (and `customers`) tables, data in `state`, and `extra` TOML.
fn config(dir: &Path, text: &str, state: &str, extra: &str) -> Config {
    let text = format!("{text}\n{extra}");
    let env = vec![
        (
            "WASMDASH_SERVER__LISTEN".to_owned(),
            "127.0.0.1:0".to_owned(),
        ),
        ("WASMDASH_SERVER__DATA_DIR".to_owned(), state.to_owned()),
    ];
    Config::parse(&text, &dir.join("wasmdash.toml"), env).expect("config")
}

/// The long-range shape: raw SQL (`raw` times one run) against the API
/// without and with rollups, p50 of alternating cold samples.
fn long_range(
    name: &str,
    mut raw: impl FnMut() -> Duration,
    plain: &Running,
    rolled: &Running,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    let agent = agent();
    let (mut raws, mut without, mut with) = (Vec::new(), Vec::new(), Vec::new());
    let mut paths = Vec::new();
    for i in 0..RUNS {
        raws.push(raw());
        let end = now - chrono::Duration::minutes(i as i64 + 1);
        let q = format!(
            "/api/v1/series?metrics=total_orders,avg_order_value&bucket=month&from={}&to={}",
            rfc(start),
            rfc(end)
        );
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

/// The home dashboard at `days`: every fragment at once, p50 of cold
/// loads (each load's range ends a minute earlier).
fn dashboard(server: &Running, days: i64, now: DateTime<Utc>) -> Duration {
    let samples = (0..RUNS)
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
    let opts = DemoOptions {
        progress: false,
        now,
        ..DemoOptions::default()
    };
    eprintln!("generating {} demo orders…", opts.orders);
    let demo_config = create(dir.path(), "127.0.0.1:0", &opts).expect("demo data");
    let text = std::fs::read_to_string(&demo_config).expect("demo config");
    let db: PathBuf = dir.path().join(DEMO_DB);
    let rt = tokio::runtime::Runtime::new().expect("runtime");

    // Build, then refresh after 10,000 rows inside the look-back window.
    let with_rollup = config(dir.path(), &text, "state-rollup", ROLLUP);
    let mut engine = rt
        .block_on(DataEngine::connect(&with_rollup))
        .expect("engine");
    engine
        .open_rollups(&with_rollup.rollup_file())
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
    let late = add_rows(&db, now, 10_000);
    let t = Instant::now();
    rt.block_on(engine.refresh_rollups()).expect("refresh");
    let refresh = t.elapsed();
    drop(engine);
    println!(
        "rollup build, 1M rows, both rollups: {:.2} s ({}; target ≤ 5 s)",
        build.as_secs_f64(),
        each.join(", ")
    );
    println!(
        "incremental refresh after {late} new rows in the look-back window: {:.1} ms (target ≤ 100 ms)",
        ms(refresh)
    );

    if !part("sqlite") {
        other_databases(
            &rt,
            dir.path(),
            &text,
            &db,
            now - chrono::Duration::days(731),
            now,
        );
        return;
    }
    // SQLite: the same demo served without and with the rollup.
    let plain = serve(&rt, &config(dir.path(), &text, "state-plain", ""), now);
    let rolled = serve(&rt, &with_rollup, now);
    let start = now - chrono::Duration::days(731);
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
    long_range("SQLite", sqlite_raw, &plain, &rolled, start, now);

    println!("home dashboard, every fragment at once, cold (p50 of {RUNS})");
    for days in [30, 90, 365] {
        let without = dashboard(&plain, days, now);
        let with = dashboard(&rolled, days, now);
        println!(
            "{days:>4} d: without rollups {:>8.1} ms | with rollups {:>8.1} ms",
            ms(without),
            ms(with)
        );
    }

    let (peak, current) = rss_mib();
    println!(
        "RSS of this process (both SQLite servers, the bench's engine and reads): peak {peak:.0} MiB, now {current:.0} MiB (target ≤ 150 MiB per server)"
    );

    other_databases(&rt, dir.path(), &text, &db, start, now);
}

/// Insert `n` orders in the hour before the last full hour (inside a 2 h
/// look-back window); how many.
fn add_rows(db: &Path, now: DateTime<Utc>, n: usize) -> usize {
    let mut conn = rusqlite::Connection::open(db).expect("open demo db");
    let hour = now.timestamp().div_euclid(3600) * 3600 - 3600;
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
    n
}

/// The long-range shape on PostgreSQL and MariaDB: the demo's tables
/// copied in, served without and with the rollup.
fn other_databases(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    text: &str,
    db: &Path,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    let (orders, customers) = demo_rows(db);
    let pg = if part("postgres") {
        rt.block_on(load_postgres(&orders, &customers))
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
        build_first(rt, &rolled_config);
        let rolled = serve(rt, &rolled_config, now);
        let raw = || {
            rt.block_on(async {
                let t = Instant::now();
                client
                    .query(
                        "SELECT date_trunc('month', created_at), count(*), avg(amount) \
                         FROM rollup_bench.orders WHERE created_at >= $1::text::timestamp \
                         AND created_at < $2::text::timestamp GROUP BY 1",
                        &[&ts(start), &ts(now)],
                    )
                    .await
                    .expect("pg query");
                t.elapsed()
            })
        };
        long_range("PostgreSQL", raw, &plain, &rolled, start, now);
    }
    let my = if part("mariadb") {
        rt.block_on(load_mariadb(&orders, &customers))
    } else {
        None
    };
    if let Some(pool) = my {
        let my_text = text.replace("sqlite://demo.db", &format!("{MARIADB_URL}_rollup_bench"));
        let plain = serve(rt, &config(dir, &my_text, "state-my-plain", ""), now);
        let rolled_config = config(dir, &my_text, "state-my-rollup", ROLLUP);
        build_first(rt, &rolled_config);
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
        long_range("MariaDB", raw, &plain, &rolled, start, now);
    }
}

/// Build the rollup of `config` before its server starts (timed), so the
/// comparison starts with it built.
fn build_first(rt: &tokio::runtime::Runtime, config: &Config) {
    let mut engine = rt.block_on(DataEngine::connect(config)).expect("engine");
    engine
        .open_rollups(&config.rollup_file())
        .expect("rollup file");
    let t = Instant::now();
    rt.block_on(engine.refresh_rollups()).expect("build");
    println!(
        "  (rollup build on {}: {:.2} s)",
        config.sources[0].url.split(':').next().unwrap_or("?"),
        t.elapsed().as_secs_f64()
    );
}

type Order = (i64, String, String, String, i64, String, f64, Option<i64>);
type Customer = (i64, String, String, String);

fn demo_rows(db: &Path) -> (Vec<Order>, Vec<Customer>) {
    let conn = rusqlite::Connection::open(db).expect("open demo db");
    let mut st = conn
        .prepare("SELECT id, created_at, status, region, customer_id, product, amount, completion_seconds FROM orders")
        .expect("orders");
    let orders = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .expect("orders")
        .map(|r| r.expect("order"))
        .collect();
    let mut st = conn
        .prepare("SELECT id, name, region, signed_up_at FROM customers")
        .expect("customers");
    let customers = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("customers")
        .map(|r| r.expect("customer"))
        .collect();
    (orders, customers)
}

fn csv(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

async fn load_postgres(orders: &[Order], customers: &[Customer]) -> Option<tokio_postgres::Client> {
    let connected = tokio::time::timeout(
        Duration::from_secs(5),
        tokio_postgres::connect(PG_URL, tokio_postgres::NoTls),
    )
    .await;
    let (client, conn) = match connected {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            println!("PostgreSQL skipped: {PG_URL}: {e}");
            return None;
        }
        Err(_) => {
            println!("PostgreSQL skipped: {PG_URL}: connect timed out");
            return None;
        }
    };
    tokio::spawn(conn);
    eprintln!("copying the demo into PostgreSQL…");
    client
        .batch_execute(
            "DROP SCHEMA IF EXISTS rollup_bench CASCADE; CREATE SCHEMA rollup_bench;
             CREATE TABLE rollup_bench.orders (id bigint PRIMARY KEY, created_at timestamp NOT NULL,
               status text NOT NULL, region text NOT NULL, customer_id bigint NOT NULL,
               product text NOT NULL, amount double precision NOT NULL, completion_seconds bigint);
             CREATE TABLE rollup_bench.customers (id bigint PRIMARY KEY, name text NOT NULL,
               region text NOT NULL, signed_up_at timestamp NOT NULL);",
        )
        .await
        .expect("pg schema");
    let lines = orders.iter().map(|(id, t, st, rg, c, p, a, cs)| {
        format!(
            "{id},{t},{},{},{c},{},{a},{}\n",
            csv(st),
            csv(rg),
            csv(p),
            cs.map_or(String::new(), |v| v.to_string())
        )
    });
    copy(&client, "rollup_bench.orders", lines).await;
    let lines = customers
        .iter()
        .map(|(id, n, rg, t)| format!("{id},{},{},{t}\n", csv(n), csv(rg)));
    copy(&client, "rollup_bench.customers", lines).await;
    client
        .batch_execute(
            "CREATE INDEX ON rollup_bench.orders (created_at);
             CREATE INDEX ON rollup_bench.customers (signed_up_at);
             ANALYZE rollup_bench.orders; ANALYZE rollup_bench.customers;",
        )
        .await
        .expect("pg index");
    Some(client)
}

async fn copy(client: &tokio_postgres::Client, table: &str, lines: impl Iterator<Item = String>) {
    use futures::SinkExt;
    let sink = client
        .copy_in(&format!("COPY {table} FROM STDIN WITH CSV"))
        .await
        .expect("copy in");
    futures::pin_mut!(sink);
    let mut buf = String::new();
    for line in lines {
        buf.push_str(&line);
        if buf.len() > 1 << 20 {
            sink.send(bytes::Bytes::from(std::mem::take(&mut buf)))
                .await
                .expect("copy chunk");
        }
    }
    sink.send(bytes::Bytes::from(buf))
        .await
        .expect("copy chunk");
    sink.finish().await.expect("copy finish");
}

async fn load_mariadb(orders: &[Order], customers: &[Customer]) -> Option<mysql_async::Pool> {
    use mysql_async::prelude::Queryable;
    let server = mysql_async::Pool::new(MARIADB_URL);
    let mut conn = match tokio::time::timeout(Duration::from_secs(5), server.get_conn()).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            println!("MariaDB skipped: {MARIADB_URL}: {e}");
            return None;
        }
        Err(_) => {
            println!("MariaDB skipped: {MARIADB_URL}: connect timed out");
            return None;
        }
    };
    eprintln!("copying the demo into MariaDB…");
    conn.query_drop(
        "DROP DATABASE IF EXISTS test_rollup_bench; CREATE DATABASE test_rollup_bench CHARACTER SET utf8mb4;
         CREATE TABLE test_rollup_bench.orders (id BIGINT PRIMARY KEY, created_at DATETIME NOT NULL,
           status VARCHAR(32) NOT NULL, region VARCHAR(32) NOT NULL, customer_id BIGINT NOT NULL,
           product VARCHAR(64) NOT NULL, amount DOUBLE NOT NULL, completion_seconds BIGINT);
         CREATE TABLE test_rollup_bench.customers (id BIGINT PRIMARY KEY, name VARCHAR(128) NOT NULL,
           region VARCHAR(32) NOT NULL, signed_up_at DATETIME NOT NULL);",
    )
    .await
    .expect("mariadb schema");
    let q = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"));
    for chunk in orders.chunks(5_000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|(id, t, st, rg, c, p, a, cs)| {
                format!(
                    "({id},{},{},{},{c},{},{a},{})",
                    q(t),
                    q(st),
                    q(rg),
                    q(p),
                    cs.map_or("NULL".into(), |v| v.to_string())
                )
            })
            .collect();
        conn.query_drop(format!(
            "INSERT INTO test_rollup_bench.orders VALUES {}",
            values.join(",")
        ))
        .await
        .expect("mariadb orders");
    }
    for chunk in customers.chunks(5_000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|(id, n, rg, t)| format!("({id},{},{},{})", q(n), q(rg), q(t)))
            .collect();
        conn.query_drop(format!(
            "INSERT INTO test_rollup_bench.customers VALUES {}",
            values.join(",")
        ))
        .await
        .expect("mariadb customers");
    }
    conn.query_drop(
        "CREATE INDEX orders_created_at ON test_rollup_bench.orders (created_at);
         CREATE INDEX customers_signed_up_at ON test_rollup_bench.customers (signed_up_at);
         ANALYZE TABLE test_rollup_bench.orders, test_rollup_bench.customers;",
    )
    .await
    .expect("mariadb index");
    drop(conn);
    Some(mysql_async::Pool::new(
        format!("{MARIADB_URL}_rollup_bench").as_str(),
    ))
}
