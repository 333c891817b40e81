//! Run with: `cargo bench --workspace --bench data_http`
//!
//! The data engine end to end over HTTP against the same question asked of
//! SQLite directly, in one run on the 1,000,000-row demo database:
//! - raw: hand-written SQL through rusqlite (current and previous period
//!   where the API computes both), p50 of warm runs, taken alternately with the API's;
//! - cold: the API with a cache miss (each request shifts the range by a
//!   minute, so no cached result applies), p50;
//! - cached: the same API request repeated, p50.
//!
//! Targets (issue 3): cold ≤ 1.2× raw, cached ≤ 5 ms p50. It also prints the
//! process's peak memory (the server runs in this process).

mod figures;
mod support;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use figures::{ms, p50, rfc, ts};

const RUNS: usize = 31;

/// Peak resident memory of this process, from /proc.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

struct Shape {
    name: &'static str,
    /// API path and query, `{range}` replaced by from/to.
    api: &'static str,
    /// SQL with ?1/?2 = current start/end, ?3/?4 = previous start/end.
    sql: &'static [&'static str],
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "value 30d (+ previous)",
        api: "/api/v1/metrics/total_orders/value?{range}",
        sql: &[
            "SELECT count(*) FROM orders WHERE created_at >= ?1 AND created_at < ?2",
            "SELECT count(*) FROM orders WHERE created_at >= ?3 AND created_at < ?4",
        ],
    },
    Shape {
        name: "series 30d by day (+ previous)",
        api: "/api/v1/metrics/total_orders/series?{range}&bucket=day&compare=previous",
        sql: &[
            "SELECT date(created_at), count(*) FROM orders WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1",
            "SELECT date(created_at), count(*) FROM orders WHERE created_at >= ?3 AND created_at < ?4 GROUP BY 1",
        ],
    },
    Shape {
        name: "categories 30d by status",
        api: "/api/v1/metrics/total_orders/categories?{range}&by=status&top=5",
        sql: &[
            "SELECT status, count(*) FROM orders WHERE created_at >= ?1 AND created_at < ?2 GROUP BY status ORDER BY 2 DESC",
        ],
    },
    Shape {
        name: "rows 30d, newest 100 (+ total)",
        api: "/api/v1/datasets/orders/rows?{range}&order=created_at&desc=true&limit=100",
        // The API also answers how many rows match in total.
        sql: &[
            "SELECT * FROM orders WHERE created_at >= ?1 AND created_at < ?2 ORDER BY created_at DESC LIMIT 100",
            "SELECT count(*) FROM orders WHERE created_at >= ?1 AND created_at < ?2",
        ],
    },
];

fn raw(conn: &rusqlite::Connection, sql: &[&str], now: DateTime<Utc>) -> Duration {
    let start = now - chrono::Duration::days(30);
    let prev = start - chrono::Duration::days(30);
    let params = [ts(start), ts(now), ts(prev), ts(start)];
    let t = Instant::now();
    for q in sql {
        let mut stmt = conn.prepare_cached(q).expect("prepare");
        // Every query binds ?1/?2, the previous-period ones ?3/?4 as well.
        let used = if q.contains("?3") { 4 } else { 2 };
        let bound: Vec<&dyn rusqlite::ToSql> = params[..used]
            .iter()
            .map(|p| p as &dyn rusqlite::ToSql)
            .collect();
        let mut rows = stmt.query(bound.as_slice()).expect("query");
        while rows.next().expect("row").is_some() {}
    }
    t.elapsed()
}

fn get(agent: &ureq::Agent, url: &str, token: &str) -> Duration {
    let t = Instant::now();
    let mut resp = agent
        .get(url)
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200, "{url}");
    let _ = resp.body_mut().read_to_string().expect("body");
    t.elapsed()
}

fn main() {
    let now = Utc::now();
    let server = support::start(now);
    let (base, token) = (server.base.clone(), server.token.clone());

    let db = &server.db;
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open demo db");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();

    println!(
        "{:<32} {:>10} {:>10} {:>8} {:>11}",
        "shape", "raw ms", "cold ms", "cold/raw", "cached ms"
    );
    for shape in SHAPES {
        // Raw and cold samples alternate, so a noisy neighbour on the two
        // shared cores slows both sides alike.
        let mut raws = Vec::with_capacity(RUNS);
        let mut cold = Vec::with_capacity(RUNS);
        for i in 0..RUNS {
            raws.push(raw(&conn, shape.sql, now));
            let end = now - chrono::Duration::minutes(i as i64 + 1);
            let start = end - chrono::Duration::days(30);
            let range = format!("from={}&to={}", rfc(start), rfc(end));
            cold.push(get(
                &agent,
                &format!("{base}{}", shape.api.replace("{range}", &range)),
                &token,
            ));
        }
        let raw_p50 = p50(raws);
        let fixed = format!(
            "{base}{}",
            shape.api.replace(
                "{range}",
                &format!(
                    "from={}&to={}",
                    rfc(now - chrono::Duration::days(30)),
                    rfc(now)
                )
            )
        );
        get(&agent, &fixed, &token);
        let cached = p50((0..RUNS * 3).map(|_| get(&agent, &fixed, &token)).collect());
        let cold = p50(cold);
        println!(
            "{:<32} {:>10.2} {:>10.2} {:>7.2}x {:>11.2}",
            shape.name,
            ms(raw_p50),
            ms(cold),
            ms(cold) / ms(raw_p50).max(1e-6),
            ms(cached)
        );
    }
    match peak_rss_mib() {
        Some(mib) => println!("peak RSS of this process (server included): {mib:.0} MiB"),
        None => println!("peak RSS: unavailable (no /proc)"),
    }
    println!("targets: cold ≤ 1.2× raw, cached ≤ 5 ms p50");
}
