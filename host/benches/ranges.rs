//! Run with: `cargo bench -p wasmdash --bench ranges`
//!
//! Long ranges, where every row counts, on the 1,000,000-row demo orders
//! (copied into PostgreSQL and MariaDB too; the copies are kept between
//! runs):
//! - monthly count + average over all rows: one `/api/v1/series` request
//!   for two metrics (one scan) against the raw single-scan SQL a person
//!   would write, per database. Raw and API samples alternate; the API
//!   range moves by a minute per sample so no cached result applies.
//!   Target (issue 14): API ≤ 1.0× raw.
//! - the access path on SQLite, both ways: the same monthly scan over 30 d
//!   to 730 d through the time index and with the index bypassed, and what
//!   the engine does (it bypasses from 25 % of the time column's span).
//! - the same monthly question on 10,000,000 rows in PostgreSQL (generated
//!   in SQL once and kept), to show how the cost grows with rows.
//!
//! Services that are down are skipped with the reason printed. The server
//! runs as a child process; its memory is printed at the end.

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use wasmdash::config::Config;
use wasmdash::data::demo::{DEMO_DB, DemoOptions, create};

use support::{ServerProcess, agent, demo_now, get, ms, p50, rfc};

const RUNS: usize = 7;
const PG_SCHEMA: &str = "wasmdash_bench_ranges";
const MY_DATABASE: &str = "wasmdash_bench_ranges";
const ROWS_10M: i64 = 10_000_000;

/// Extra sources, datasets and metrics over the copies.
fn extra_config(pg: bool, my: bool) -> String {
    let mut text = String::new();
    let mut add = |source: &str, url: String, table: &str, suffix: &str| {
        text.push_str(&format!(
            r#"
[[source]]
name = "{source}"
url = "{url}"
query_timeout_ms = 120000

[[dataset]]
name = "orders{suffix}"
source = "{source}"
table = "{table}"
time_column = "created_at"

[[metric]]
name = "total_orders{suffix}"
dataset = "orders{suffix}"
aggregate = "count"

[[metric]]
name = "avg_order_value{suffix}"
dataset = "orders{suffix}"
aggregate = "avg"
column = "amount"
"#
        ));
    };
    if pg {
        let url = support::PG_URL.to_string();
        add("pg", url.clone(), &format!("{PG_SCHEMA}.orders"), "_pg");
        add("pg10m", url, &format!("{PG_SCHEMA}.orders_10m"), "_10m");
    }
    if my {
        add(
            "my",
            format!("mysql://root@127.0.0.1:3306/{MY_DATABASE}"),
            "orders",
            "_my",
        );
    }
    text
}

/// Generate 10M orders over the same two years in PostgreSQL, once.
async fn postgres_10m(client: &tokio_postgres::Client) {
    let have: Option<i64> = client
        .query_opt(&format!("SELECT count(*) FROM {PG_SCHEMA}.orders_10m"), &[])
        .await
        .ok()
        .flatten()
        .map(|r| r.get(0));
    if have == Some(ROWS_10M) {
        return;
    }
    eprintln!("generating {ROWS_10M} orders in PostgreSQL (once)…");
    let start = demo_now() - chrono::Duration::days(730);
    client
        .batch_execute(&format!(
            "DROP TABLE IF EXISTS {PG_SCHEMA}.orders_10m;
             CREATE TABLE {PG_SCHEMA}.orders_10m AS
             SELECT i AS id,
               timestamp '{}' + (sqrt(i::float8 / {ROWS_10M}) * 730 * 86400) * interval '1 second' AS created_at,
               (ARRAY['completed','completed','completed','active','error','cancelled'])[1 + (i * 7) % 6] AS status,
               (ARRAY['eu','us','apac','latam','africa'])[1 + (i * 13) % 5] AS region,
               1 + (i * 31) % 20000 AS customer_id,
               'Team plan'::text AS product,
               19.0 + ((i * 37) % 2000) / 2.0 AS amount,
               CASE WHEN (i * 7) % 6 < 3 THEN 120 + (i * 11) % 1800 END AS completion_seconds
             FROM generate_series(1, {ROWS_10M}) AS i;
             CREATE INDEX ON {PG_SCHEMA}.orders_10m(created_at);
             ANALYZE {PG_SCHEMA}.orders_10m;",
            start.format("%Y-%m-%d %H:%M:%S")
        ))
        .await
        .expect("generate 10M rows");
}

/// A raw query, run once: its time.
type Raw<'a> = Box<dyn FnMut() -> Duration + 'a>;

/// Alternate raw and API samples; print and return p50s.
fn compare(name: &str, mut raw: Raw<'_>, mut api: impl FnMut(usize) -> Duration) {
    let (mut raws, mut apis) = (Vec::new(), Vec::new());
    // One warm-up each, so both read from the OS page cache.
    raw();
    api(RUNS + 1);
    for i in 0..RUNS {
        raws.push(raw());
        apis.push(api(i));
    }
    let (r, a) = (p50(raws), p50(apis));
    println!(
        "{name:<44} {:>9.0} {:>9.0} {:>7.2}x",
        ms(r),
        ms(a),
        ms(a) / ms(r).max(1e-6)
    );
}

fn sqlite_raw(conn: &rusqlite::Connection, sql: &str, params: &[String]) -> Duration {
    let t = Instant::now();
    let mut stmt = conn.prepare_cached(sql).expect("prepare");
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params.iter()))
        .expect("query");
    while rows.next().expect("row").is_some() {}
    t.elapsed()
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = demo_now();
    let opts = DemoOptions {
        progress: false,
        now,
        ..DemoOptions::default()
    };
    eprintln!("generating {} demo orders…", opts.orders);
    let config_path = create(dir.path(), "127.0.0.1:0", &opts).expect("demo data");
    let db = dir.path().join(DEMO_DB);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let pg = runtime.block_on(async {
        let client = support::postgres().await?;
        support::postgres_orders(&client, PG_SCHEMA, &db, opts.orders).await;
        postgres_10m(&client).await;
        Some(client)
    });
    let mut my = runtime.block_on(async {
        let mut conn = support::mariadb().await?;
        support::mariadb_orders(&mut conn, MY_DATABASE, &db, opts.orders).await;
        Some(conn)
    });
    let mut text = std::fs::read_to_string(&config_path).expect("config");
    text.push_str(&extra_config(pg.is_some(), my.is_some()));
    std::fs::write(&config_path, text).expect("write config");
    let config = Config::load(&config_path).expect("config");
    let token = support::token(&config);
    let server = ServerProcess::start(&config_path, "warn");
    let agent = agent();
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open demo db");

    // Every row: from before the first order to after the last, moved by
    // a minute per sample.
    let all = |i: usize| {
        let from = now - chrono::Duration::days(731) - chrono::Duration::minutes(i as i64);
        format!(
            "from={}&to={}",
            rfc(from),
            rfc(now + chrono::Duration::days(1))
        )
    };
    let series = |suffix: &str, i: usize| {
        get(
            &agent,
            &format!(
                "{}/api/v1/series?metrics=total_orders{suffix},avg_order_value{suffix}&bucket=month&{}",
                server.base,
                all(i)
            ),
            &token,
        )
    };

    println!("monthly count + average over all 1M rows (p50 of {RUNS}, samples alternating)");
    println!(
        "{:<44} {:>9} {:>9} {:>8}",
        "database / raw SQL", "raw ms", "API ms", "API/raw"
    );
    compare(
        "SQLite: substr(created_at, 1, 7)",
        Box::new(|| {
            sqlite_raw(
                &conn,
                "SELECT substr(created_at, 1, 7), count(*), avg(amount) FROM orders GROUP BY 1",
                &[],
            )
        }),
        |i| series("", i),
    );
    if let Some(client) = &pg {
        let raw = |sql: String| -> Raw<'_> {
            Box::new(move || {
                runtime.block_on(async {
                    let t = Instant::now();
                    client.query(&sql, &[]).await.expect("pg query");
                    t.elapsed()
                })
            })
        };
        compare(
            "PostgreSQL: date_trunc('month', created_at)",
            raw(format!(
                "SELECT date_trunc('month', created_at), count(*), avg(amount) FROM {PG_SCHEMA}.orders GROUP BY 1"
            )),
            |i| series("_pg", i),
        );
    }
    if let Some(conn) = my.as_mut() {
        use mysql_async::prelude::Queryable;
        let sql = format!(
            "SELECT EXTRACT(YEAR_MONTH FROM created_at), count(*), avg(amount) FROM {MY_DATABASE}.orders GROUP BY 1"
        );
        compare(
            "MariaDB: EXTRACT(YEAR_MONTH FROM created_at)",
            Box::new(|| {
                runtime.block_on(async {
                    let t = Instant::now();
                    let _: Vec<mysql_async::Row> = conn.query(&sql).await.expect("mariadb query");
                    t.elapsed()
                })
            }),
            |i| series("_my", i),
        );
    }

    access_paths(&conn, &agent, &server.base, &token, now);

    if let Some(client) = &pg {
        println!();
        println!("the same on 10,000,000 rows in PostgreSQL (p50 of {RUNS})");
        let sql = format!(
            "SELECT date_trunc('month', created_at), count(*), avg(amount) FROM {PG_SCHEMA}.orders_10m GROUP BY 1"
        );
        compare(
            "PostgreSQL 10M: date_trunc('month', created_at)",
            Box::new(|| {
                runtime.block_on(async {
                    let t = Instant::now();
                    client.query(&sql, &[]).await.expect("pg query");
                    t.elapsed()
                })
            }),
            |i| series("_10m", i),
        );
    }

    let (peak, now_rss) = server.memory_mib();
    println!();
    println!("server memory: peak {peak:.0} MiB, now {now_rss:.0} MiB");
    println!("target: API ≤ 1.0× raw for the long-range monthly count + average");
    drop(server);
    if let Some(c) = my {
        let _ = runtime.block_on(c.disconnect());
    }
}

/// The monthly scan wasmdash runs, by hand, through the index and around
/// it, over ranges ending at the last order; then the API over the same
/// range (which picks one way itself).
fn access_paths(
    conn: &rusqlite::Connection,
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    now: DateTime<Utc>,
) {
    println!();
    println!("SQLite access path, monthly count + average (p50 of {RUNS})");
    println!(
        "{:<10} {:>12} {:>12} {:>10} {:>9}",
        "range", "index ms", "no index ms", "API ms", "API way"
    );
    let sql = |column: &str| {
        format!(
            "SELECT unixepoch(b || '-01'), c, s, n FROM (SELECT substr(created_at, 1, 7) AS b, \
             count(*) AS c, sum(amount) AS s, count(amount) AS n FROM orders \
             WHERE {column} >= ?1 AND {column} < ?2 GROUP BY 1)"
        )
    };
    let (indexed, bypassed) = (sql("created_at"), sql("+created_at"));
    let span = Duration::from_secs(730 * 86_400).as_secs_f64();
    for days in [30, 90, 180, 365, 730] {
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..RUNS {
            let end = now - chrono::Duration::minutes(i as i64);
            let start = end - chrono::Duration::days(days);
            let params = [
                start.format("%Y-%m-%d %H:%M:%S").to_string(),
                end.format("%Y-%m-%d %H:%M:%S").to_string(),
            ];
            a.push(sqlite_raw(conn, &indexed, &params));
            b.push(sqlite_raw(conn, &bypassed, &params));
            c.push(get(
                agent,
                &format!(
                    "{base}/api/v1/series?metrics=total_orders,avg_order_value&bucket=month&from={}&to={}",
                    rfc(start),
                    rfc(end)
                ),
                token,
            ));
        }
        let share = (days as f64 * 86_400.0 / span).min(1.0);
        println!(
            "{:<10} {:>12.0} {:>12.0} {:>10.0} {:>9}",
            format!("{days} d"),
            ms(p50(a)),
            ms(p50(b)),
            ms(p50(c)),
            if share >= 0.25 { "no index" } else { "index" }
        );
    }
}
