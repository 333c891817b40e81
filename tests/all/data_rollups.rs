//! Rollups answer exactly what raw SQL answers: for the aggregates,
//! buckets, ranges, filters, dimensions and zones of the conformance
//! tests, on SQLite, PostgreSQL and MariaDB, with range edges off the
//! grain, rows after the watermark, and late rows inside the look-back
//! window once refreshed. And `wasmdash rollups status|rebuild`.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use wasmdash::config::Config;
use wasmdash::data::{BucketSpec, Clock, DataEngine, RangeSpec};

use crate::data_support::{
    self as support, CONFORMANCE_METRICS as METRICS, CONFORMANCE_RANGES as RANGES, MyDatabase,
    PgSchema, close, same_scalar, same_series,
};

/// An hourly rollup keeping what the conformance metrics filter on.
const HOURLY: &str = r#"
[[rollup]]
name = "orders_hourly"
dataset = "orders"
grain = "1h"
dimensions = ["status", "region"]
sum = ["amount", "completion_seconds"]
max = ["amount"]
lookback = "3h"
"#;

/// A quarter-hour rollup: it nests in zones offset by half hours.
const QUARTER: &str = r#"
[[rollup]]
name = "orders_quarter"
dataset = "orders"
grain = "15m"
dimensions = ["status", "region"]
sum = ["amount", "completion_seconds"]
"#;

const SHAPES: &[(&str, &str)] = &[
    ("24h", "hour"),
    ("7d", "hour"),
    ("30d", "day"),
    ("this_year", "week"),
    ("this_year", "month"),
    ("90d", "auto"),
    ("yesterday", "minute"),
];

fn clock(t: DateTime<Utc>) -> Clock {
    Arc::new(move || t)
}

/// An engine over `text` with `clock`; with a rollup file `file` in
/// `dir` opened, and built when `build`.
async fn engine(
    text: &str,
    dir: &Path,
    clock: Clock,
    file: Option<&str>,
    build: bool,
) -> DataEngine {
    let config = Config::parse(text, &dir.join("wasmdash.toml"), Vec::new()).unwrap();
    let mut e = DataEngine::connect(&config)
        .await
        .unwrap()
        .with_clock(clock);
    if let Some(file) = file {
        e.open_rollups(&dir.join(file)).unwrap();
        if build {
            e.refresh_rollups().await.unwrap();
        }
    }
    e
}

/// Which path answered what, by `(metric, shape)`.
#[derive(Default)]
struct Paths(Vec<(String, String)>);

impl Paths {
    fn of(&self, what: &str) -> &str {
        &self
            .0
            .iter()
            .find(|(w, _)| w == what)
            .unwrap_or_else(|| panic!("{what} not asked"))
            .1
    }
    fn count(&self, path: &str) -> usize {
        self.0.iter().filter(|(_, p)| p.starts_with(path)).count()
    }
}

/// Every scalar and series of the conformance tests, plus ranges with
/// edges off every grain and a merged multi-metric load: `rolled` (with
/// rollups) answers what `raw` (without) answers.
async fn same_answers(raw: &DataEngine, rolled: &DataEngine) -> Paths {
    let mut paths = Paths::default();
    let mut ranges: Vec<(String, RangeSpec)> = RANGES
        .iter()
        .map(|r| (r.to_string(), r.parse().unwrap()))
        .collect();
    for (from, to) in [
        ("2025-03-10T10:17:00Z", "2025-03-20T05:43:10Z"),
        ("2025-02-01T00:00:00Z", "2025-03-31T00:00:00Z"),
    ] {
        ranges.push((
            format!("{from}..{to}"),
            RangeSpec::absolute(from, to).unwrap(),
        ));
    }
    for metric in METRICS {
        for (name, r) in &ranges {
            let a = raw.scalar(metric, r, true).await.unwrap();
            let (b, by) = rolled.scalar_traced(metric, r, true).await.unwrap();
            let what = format!("scalar {metric} {name}");
            same_scalar(&a, &b, &what);
            paths
                .0
                .push((what, format!("{}:{}", by.path(), by.rollup().unwrap_or(""))));
        }
        for (range, bucket) in SHAPES {
            let r: RangeSpec = range.parse().unwrap();
            let bucket: BucketSpec = bucket.parse().unwrap();
            let a = raw.series(metric, &r, bucket, true).await.unwrap();
            let (b, by) = rolled
                .series_traced(metric, &r, bucket, true)
                .await
                .unwrap();
            let what = format!("series {metric} {range} {bucket:?}");
            assert_eq!(a.bucket, b.bucket);
            same_series(&a.points, &b.points, &what);
            same_series(
                a.previous.as_ref().unwrap(),
                b.previous.as_ref().unwrap(),
                &what,
            );
            paths
                .0
                .push((what, format!("{}:{}", by.path(), by.rollup().unwrap_or(""))));
        }
    }
    // Categories, top groups and "other".
    for (metric, by) in [
        ("total_orders", "status"),
        ("total_orders", "region"),
        ("revenue", "region"),
        ("revenue", "status"),
        ("error_rate", "region"),
        ("avg_completion", "region"),
    ] {
        for (name, r) in ranges
            .iter()
            .filter(|(n, _)| ["30d", "this_year", "24h"].contains(&n.as_str()) || n.contains(".."))
        {
            for top in [1, 2, 10] {
                let a = raw.categories(metric, r, by, top).await.unwrap();
                let (b, path) = rolled.categories_traced(metric, r, by, top).await.unwrap();
                let what = format!("categories {metric} by {by} {name} top {top}");
                paths.0.push((
                    what.clone(),
                    format!("{}:{}", path.path(), path.rollup().unwrap_or("")),
                ));
                assert_eq!(a.labels, b.labels, "{what}");
                for (x, y) in a.values.iter().zip(&b.values) {
                    assert!(close(Some(*x), Some(*y)), "{what}: {x} vs {y}");
                }
            }
        }
    }
    // Several metrics of one dataset in one merged load.
    let names: Vec<String> = ["total_orders", "revenue", "avg_completion", "error_rate"]
        .map(String::from)
        .to_vec();
    let r: RangeSpec = "90d".parse().unwrap();
    let month = BucketSpec::Fixed(wasmdash::data::Bucket::Month);
    let a = raw.series_many(&names, &r, month, true).await.unwrap();
    let b = rolled.series_many(&names, &r, month, true).await.unwrap();
    for ((x, _), (y, _)) in a.iter().zip(&b) {
        same_series(&x.points, &y.points, "series_many");
    }
    paths
}

#[tokio::test]
async fn sqlite_rollups_answer_what_raw_sql_answers() {
    let rows = support::orders(5_000);
    let dir = tempfile::tempdir().unwrap();
    support::sqlite_db(dir.path(), &rows);
    let text = support::config_text(
        "sqlite://orders.db",
        "orders",
        &format!("{HOURLY}{QUARTER}"),
    );
    // On the hour, and 25 minutes past it: then each range has an edge off
    // the grain and rows after the watermark.
    for now in [
        support::now(),
        support::now() + Duration::seconds(25 * 60 + 13),
    ] {
        let raw = engine(&text, dir.path(), clock(now), None, false).await;
        let rolled = engine(&text, dir.path(), clock(now), Some("r.sqlite"), true).await;
        let paths = same_answers(&raw, &rolled).await;
        // The coarsest fitting rollup answers; what none holds falls back.
        assert_eq!(
            paths.of("series total_orders 30d Fixed(Day)"),
            "rollup:orders_hourly"
        );
        assert_eq!(paths.of("scalar error_rate 7d"), "rollup:orders_hourly");
        assert_eq!(
            paths.of("scalar no_region this_month"),
            "rollup:orders_hourly"
        );
        assert_eq!(
            paths.of("series avg_completion this_year Fixed(Week)"),
            "rollup:orders_hourly"
        );
        assert_eq!(
            paths.of("series total_orders yesterday Fixed(Minute)"),
            "sql:"
        );
        assert_eq!(
            paths.of("scalar customers 30d"),
            "sql:",
            "count_distinct never"
        );
        assert_eq!(
            paths.of("scalar max_amount 30d"),
            "sql:",
            "filters on a measure"
        );
        assert_eq!(
            paths.of("categories revenue by status 30d top 2"),
            "rollup:orders_hourly"
        );
        assert!(paths.count("rollup") > 80, "{}", paths.count("rollup"));
    }
}

#[tokio::test]
async fn zones_off_the_grain_fall_back_and_finer_grains_answer() {
    let rows = support::orders(3_000);
    let dir = tempfile::tempdir().unwrap();
    support::sqlite_db(dir.path(), &rows);
    let kolkata = |extra: &str| {
        support::config_text("sqlite://orders.db", "orders", extra)
            .replace("Europe/Berlin", "Asia/Kolkata")
    };
    let now = support::now();
    // +05:30 is no whole number of hours: the hourly rollup cannot answer.
    let text = kolkata(HOURLY);
    let raw = engine(&text, dir.path(), clock(now), None, false).await;
    let rolled = engine(&text, dir.path(), clock(now), Some("h.sqlite"), true).await;
    let paths = same_answers(&raw, &rolled).await;
    assert_eq!(paths.count("rollup"), 0);
    // It is a whole number of quarter hours.
    let text = kolkata(&format!("{HOURLY}{QUARTER}"));
    let raw = engine(&text, dir.path(), clock(now), None, false).await;
    let rolled = engine(&text, dir.path(), clock(now), Some("q.sqlite"), true).await;
    let paths = same_answers(&raw, &rolled).await;
    assert_eq!(
        paths.of("series total_orders 30d Fixed(Day)"),
        "rollup:orders_quarter"
    );
    assert!(paths.count("rollup") > 50);
}

/// Rows arriving after a build, as `INSERT`s into `table` any of the
/// three databases runs: late ones (before the watermark, inside the 3 h
/// look-back) and new ones (after it).
fn late_rows(table: &str) -> Vec<String> {
    [
        ("2025-04-01 07:30:00", "error", "'eu'"),
        ("2025-04-01 09:59:59", "completed", "NULL"),
        ("2025-04-01 08:00:00", "cancelled", "'us'"),
        ("2025-04-01 10:05:00", "error", "'eu'"),
        ("2025-04-01 10:20:00", "completed", "'apac'"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (t, status, region))| {
        let done = if status == "completed" { "600" } else { "NULL" };
        format!(
            "INSERT INTO {table} (id, created_at, status, region, customer_id, amount, completion_seconds) \
             VALUES ({}, '{t}', '{status}', {region}, 7, 123.25, {done})",
            100_000 + i
        )
    })
    .collect()
}

/// Build the rollups of `text`, `insert` [`late_rows`], then check that
/// the late rows are missing before a refresh and that every answer
/// equals raw SQL after it.
async fn late_rows_are_counted_after_a_refresh(
    text: &str,
    dir: &Path,
    insert: impl AsyncFnOnce(Vec<String>),
    table: &str,
    min_rollup: usize,
) {
    let now = support::now() + Duration::seconds(25 * 60);
    let built = engine(text, dir, clock(now), Some("late.sqlite"), true).await;
    insert(late_rows(table)).await;
    let raw = engine(text, dir, clock(now), None, false).await;
    let day: RangeSpec = "24h".parse().unwrap();
    let want = raw
        .scalar("total_orders", &day, false)
        .await
        .unwrap()
        .value
        .unwrap();
    // Before a refresh the late rows are missing (the new ones are read
    // raw after the watermark)...
    let (stale, by) = built
        .scalar_traced("total_orders", &day, false)
        .await
        .unwrap();
    assert_eq!(by.path(), "rollup");
    assert_eq!(stale.value, Some(want - 3.0));
    // ... after it, every answer equals raw SQL again.
    built.refresh_rollups().await.unwrap();
    let fresh = engine(text, dir, clock(now), Some("late.sqlite"), false).await;
    let paths = same_answers(&raw, &fresh).await;
    assert!(
        paths.count("rollup") > min_rollup,
        "{}",
        paths.count("rollup")
    );
}

#[tokio::test]
async fn late_rows_inside_the_look_back_window_are_counted_after_a_refresh() {
    let rows = support::orders(3_000);
    let dir = tempfile::tempdir().unwrap();
    let db = support::sqlite_db(dir.path(), &rows);
    let text = support::config_text("sqlite://orders.db", "orders", HOURLY);
    let insert = async |statements: Vec<String>| {
        let conn = rusqlite::Connection::open(&db).unwrap();
        for sql in statements {
            conn.execute(&sql, []).unwrap();
        }
    };
    late_rows_are_counted_after_a_refresh(&text, dir.path(), insert, "orders", 80).await;
}

#[tokio::test]
async fn late_rows_are_counted_after_a_refresh_on_postgres() {
    let rows = support::orders(3_000);
    let Some(schema) = PgSchema::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let table = format!("{}.orders", schema.name);
    let text = support::config_text(wasmdash_tests::POSTGRES_URL, &table, HOURLY);
    let insert = async |statements: Vec<String>| {
        for sql in statements {
            schema.execute(&sql).await;
        }
    };
    late_rows_are_counted_after_a_refresh(&text, dir.path(), insert, &table, 80).await;
    schema.drop_now().await;
}

#[tokio::test]
async fn late_rows_are_counted_after_a_refresh_on_mariadb() {
    let rows = support::orders(3_000);
    let Some(db) = MyDatabase::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = support::config_text(&db.url(), "orders", HOURLY);
    let insert = async |statements: Vec<String>| {
        for sql in statements {
            db.execute(&sql).await;
        }
    };
    let table = format!("{}.orders", db.name);
    late_rows_are_counted_after_a_refresh(&text, dir.path(), insert, &table, 30).await;
    db.drop_now().await;
}

#[tokio::test]
async fn postgres_rollups_answer_what_raw_sql_answers() {
    let rows = support::orders(4_000);
    let Some(schema) = PgSchema::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = support::config_text(
        wasmdash_tests::POSTGRES_URL,
        &format!("{}.orders", schema.name),
        HOURLY,
    );
    for now in [
        support::now(),
        support::now() + Duration::seconds(25 * 60 + 13),
    ] {
        let raw = engine(&text, dir.path(), clock(now), None, false).await;
        let rolled = engine(&text, dir.path(), clock(now), Some("pg.sqlite"), true).await;
        let paths = same_answers(&raw, &rolled).await;
        assert_eq!(paths.of("scalar error_rate 7d"), "rollup:orders_hourly");
        assert_eq!(paths.of("scalar customers 30d"), "sql:");
        assert!(paths.count("rollup") > 80);
    }
    schema.drop_now().await;
}

#[tokio::test]
async fn mariadb_rollups_answer_what_raw_sql_answers() {
    let rows = support::orders(4_000);
    let Some(db) = MyDatabase::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = support::config_text(&db.url(), "orders", HOURLY);
    for now in [
        support::now(),
        support::now() + Duration::seconds(25 * 60 + 13),
    ] {
        let raw = engine(&text, dir.path(), clock(now), None, false).await;
        let rolled = engine(&text, dir.path(), clock(now), Some("my.sqlite"), true).await;
        let paths = same_answers(&raw, &rolled).await;
        assert_eq!(
            paths.of("series total_orders 30d Fixed(Day)"),
            "rollup:orders_hourly"
        );
        assert_eq!(paths.of("scalar no_region 30d"), "rollup:orders_hourly");
        // Text compares case-insensitively on MariaDB: not from the rollup.
        assert_eq!(paths.of("scalar error_rate 7d"), "sql:");
        assert_eq!(
            paths.of("categories total_orders by status 30d top 2"),
            "sql:"
        );
        assert!(paths.count("rollup") > 30, "{}", paths.count("rollup"));
    }
    db.drop_now().await;
}

#[tokio::test]
async fn a_bad_rollup_is_refused_at_start_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    support::sqlite_db(dir.path(), &support::orders(10));
    for (bad, says) in [
        (
            "dimensions = [\"status\", \"region\"]",
            "dimensions = [\"amount\"]",
        ),
        (
            "sum = [\"amount\", \"completion_seconds\"]",
            "sum = [\"status\"]",
        ),
        (
            "dimensions = [\"status\", \"region\"]",
            "dimensions = [\"nope\"]",
        ),
    ]
    .map(|(from, to)| (HOURLY.replace(from, to), to))
    {
        let text = support::config_text("sqlite://orders.db", "orders", &bad);
        let config = Config::parse(&text, &dir.path().join("wasmdash.toml"), Vec::new()).unwrap();
        let e = DataEngine::connect(&config).await.unwrap_err().to_string();
        assert!(e.starts_with("rollup `orders_hourly`: "), "{says}: {e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollups_cli_shows_and_rebuilds_with_and_without_a_server() {
    use crate::ops_cli::{ok, serve, wasmdash};
    let dir = tempfile::tempdir().unwrap();
    support::sqlite_db(dir.path(), &support::orders(500));
    let config = dir.path().join("wasmdash.toml");
    std::fs::write(
        &config,
        support::config_text("sqlite://orders.db", "orders", HOURLY),
    )
    .unwrap();
    let path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let dir = path.as_path();
        // No server: the command opens the rollup file itself.
        let out = ok(dir, &["rollups", "status"], "");
        assert!(
            out.contains("orders_hourly") && out.contains("empty"),
            "{out}"
        );
        let out = ok(dir, &["rollups", "rebuild", "orders_hourly"], "");
        assert!(out.contains("ready"), "{out}");
        for args in [
            &["rollups", "rebuild", "nope", "--config", "wasmdash.toml"][..],
            &["rollups", "status", "--config", "missing.toml"],
            &["rollups", "frobnicate"],
        ] {
            let (code, stdout, stderr) = wasmdash(dir, args, "");
            assert_ne!(code, 0, "{args:?}: {stdout}");
            assert!(stderr.starts_with("error"), "{args:?}: {stderr}");
        }
        let (_, _, stderr) = wasmdash(
            dir,
            &["rollups", "rebuild", "nope", "--config", "wasmdash.toml"],
            "",
        );
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("no rollup named `nope`; configured: orders_hourly"),
            "{stderr}"
        );
        // A server runs: the same commands go through its admin socket.
        let served = serve(&config, &[]);
        let out = ok(dir, &["rollups", "rebuild"], "");
        assert!(
            out.contains("orders_hourly") && out.contains("ready"),
            "{out}"
        );
        let json = ok(dir, &["rollups", "status", "--json"], "");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v[0]["name"], "orders_hourly");
        assert!(v[0]["buckets"].as_i64().unwrap() > 100, "{json}");
        drop(served);
    })
    .await
    .unwrap();
}
