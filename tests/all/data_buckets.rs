//! Buckets against the generated rows themselves: each database groups
//! time natively (text prefixes, `date_trunc`, date parts), shifted by
//! the zone's offsets, with folding of finer groups in Rust. These tests
//! count the expected buckets here with chrono-tz, for zones whose offsets
//! are whole hours (Berlin, with its DST change inside the range), not
//! whole hours (Kolkata, +05:30) and zero (UTC); and check that loading
//! many requests together answers exactly what single requests answer.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;
use wasmdash::data::{Bucket, BucketSpec, DataEngine, DataRequest, RangeSpec};

use crate::data_support::{self as support, MyDatabase, Order, PgSchema};

const ZONES: [&str; 3] = ["Europe/Berlin", "Asia/Kolkata", "UTC"];

/// The local start of `bucket` holding local time `t`.
fn floor(t: NaiveDateTime, bucket: Bucket) -> NaiveDateTime {
    let date = t.date();
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap();
    match bucket {
        Bucket::Minute => t.with_second(0).unwrap(),
        Bucket::Hour => t.with_second(0).unwrap().with_minute(0).unwrap(),
        Bucket::Day => midnight(date),
        Bucket::Week => {
            midnight(date - Duration::days(i64::from(date.weekday().num_days_from_monday())))
        }
        Bucket::Month => midnight(date.with_day(1).unwrap()),
    }
}

/// Expected (bucket start in UTC ms → (rows, revenue sum)) over [from, to).
fn expected(
    rows: &[Order],
    tz: Tz,
    from: &str,
    to: &str,
    bucket: Bucket,
) -> BTreeMap<i64, (f64, f64)> {
    let mut out = BTreeMap::new();
    for o in rows
        .iter()
        .filter(|o| o.created_at.as_str() >= from && o.created_at.as_str() < to)
    {
        let utc = NaiveDateTime::parse_from_str(&o.created_at, "%Y-%m-%d %H:%M:%S").unwrap();
        let local = tz.from_utc_datetime(&utc).naive_local();
        let start = tz
            .from_local_datetime(&floor(local, bucket))
            .earliest()
            .unwrap()
            .timestamp_millis();
        let e = out.entry(start).or_insert((0.0, 0.0));
        e.0 += 1.0;
        if o.status != "cancelled" {
            e.1 += o.amount;
        }
    }
    out
}

/// Check every bucket of every zone on `engine` against the rows.
async fn check_buckets(name: &str, engine: &DataEngine, rows: &[Order], tz: Tz) {
    let cases = [
        ("2025-03-20", "2025-04-01", Bucket::Hour),
        ("2025-02-20", "2025-04-01", Bucket::Day),
        ("2025-01-25", "2025-04-01", Bucket::Week),
        ("2025-01-25", "2025-04-01", Bucket::Month),
        ("2025-03-29 22:00:00", "2025-03-30 04:00:00", Bucket::Minute),
    ];
    for (from, to, bucket) in cases {
        let iso = |s: &str| {
            if s.len() == 10 {
                format!("{s}T00:00:00Z")
            } else {
                format!("{}Z", s.replace(' ', "T"))
            }
        };
        let bound = |s: &str| {
            if s.len() == 10 {
                format!("{s} 00:00:00")
            } else {
                s.to_string()
            }
        };
        let range = RangeSpec::absolute(&iso(from), &iso(to)).unwrap();
        let want = expected(rows, tz, &bound(from), &bound(to), bucket);
        let what = format!("{name} {tz} {bucket:?} {from}..{to}");
        let counts = engine
            .series("total_orders", &range, BucketSpec::Fixed(bucket), false)
            .await
            .unwrap();
        let revenue = engine
            .series("revenue", &range, BucketSpec::Fixed(bucket), false)
            .await
            .unwrap();
        // A local hour the DST change skips starts at the same instant as
        // the next one (and is empty): add points up per instant.
        let mut got: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
        for (i, ts) in counts.points.timestamps.iter().enumerate() {
            let e = got.entry(*ts).or_insert((0.0, 0.0));
            e.0 += counts.points.values[i];
            e.1 += revenue.points.values[i];
        }
        for (ts, (n, r)) in &got {
            let (want_n, want_r) = want.get(ts).copied().unwrap_or((0.0, 0.0));
            assert_eq!(*n, want_n, "{what}: count at {ts}");
            assert!(
                (r - want_r).abs() < 1e-6 * want_r.max(1.0),
                "{what}: revenue at {ts}: {r} vs {want_r}"
            );
        }
        let shown: f64 = got.values().map(|(n, _)| n).sum();
        let want_total: f64 = want.values().map(|(n, _)| n).sum();
        assert_eq!(shown, want_total, "{what}: every row in a shown bucket");
    }
}

/// The requests of a dashboard, loaded together, then asked one by one:
/// the same answers as a fresh engine asked one by one.
async fn check_merged(name: &str, merged: &std::sync::Arc<DataEngine>, single: &DataEngine) {
    let metrics = [
        "total_orders",
        "revenue",
        "avg_completion",
        "error_rate",
        "customers",
        "max_amount",
        "no_region",
    ];
    for range in ["30d", "this_month", "7d", "24h"] {
        let r: RangeSpec = range.parse().unwrap();
        let mut requests = Vec::new();
        for m in metrics {
            requests.push(DataRequest::Scalar {
                metric: m.into(),
                sparkline: true,
            });
            for bucket in ["day", "week", "month", "auto"] {
                requests.push(DataRequest::Series {
                    metric: m.into(),
                    bucket: bucket.parse().unwrap(),
                    compare_previous: bucket != "month",
                });
            }
        }
        let before = merged.statements_run();
        merged.prefetch(&requests, &r);
        for req in &requests {
            let what = format!("{name} {range} {req:?}");
            match req {
                DataRequest::Scalar { metric, sparkline } => {
                    let a = merged.scalar(metric, &r, *sparkline).await.unwrap();
                    let b = single.scalar(metric, &r, *sparkline).await.unwrap();
                    assert!(support::close(a.value, b.value), "{what}: {a:?} vs {b:?}");
                    assert!(support::close(a.previous, b.previous), "{what}");
                    support::same_series(
                        a.sparkline.as_ref().unwrap(),
                        b.sparkline.as_ref().unwrap(),
                        &what,
                    );
                }
                DataRequest::Series {
                    metric,
                    bucket,
                    compare_previous,
                } => {
                    let a = merged
                        .series(metric, &r, *bucket, *compare_previous)
                        .await
                        .unwrap();
                    let b = single
                        .series(metric, &r, *bucket, *compare_previous)
                        .await
                        .unwrap();
                    assert_eq!(a.bucket, b.bucket, "{what}");
                    support::same_series(&a.points, &b.points, &what);
                    assert_eq!(a.previous.is_some(), b.previous.is_some());
                    if let (Some(x), Some(y)) = (&a.previous, &b.previous) {
                        support::same_series(x, y, &what);
                    }
                }
            }
        }
        // Foldable metrics share one scan; each count_distinct bucket (and
        // its total) has its own. On SQLite the first long range also
        // probes once whether the table stores its rows in time order.
        let ran = merged.statements_run() - before;
        let probe = u64::from(range == "30d");
        assert!(
            ran <= 6 + probe,
            "{name} {range}: {ran} statements for {} requests",
            requests.len()
        );
    }
}

#[tokio::test]
async fn buckets_match_the_rows_in_every_zone_on_sqlite() {
    let rows = support::orders(5_000);
    for zone in ZONES {
        let dir = tempfile::tempdir().unwrap();
        let tz: Tz = zone.parse().unwrap();
        support::sqlite_db(dir.path(), &rows);
        let text =
            support::config_text("sqlite://orders.db", "orders", "").replace("Europe/Berlin", zone);
        let engine = support::engine(&text, dir.path()).await;
        check_buckets("sqlite", &engine, &rows, tz).await;
    }
}

#[tokio::test]
async fn merged_loads_answer_like_single_ones_on_sqlite() {
    let rows = support::orders(5_000);
    for zone in ZONES {
        let dir = tempfile::tempdir().unwrap();
        support::sqlite_db(dir.path(), &rows);
        let text =
            support::config_text("sqlite://orders.db", "orders", "").replace("Europe/Berlin", zone);
        let merged = std::sync::Arc::new(support::engine(&text, dir.path()).await);
        let single = support::engine(&text, dir.path()).await;
        check_merged(&format!("sqlite {zone}"), &merged, &single).await;
    }
}

#[tokio::test]
async fn buckets_and_merged_loads_on_postgres() {
    let rows = support::orders(5_000);
    let Some(schema) = PgSchema::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for zone in ZONES {
        let text = support::config_text(
            wasmdash_tests::POSTGRES_URL,
            &format!("{}.orders", schema.name),
            "",
        )
        .replace("Europe/Berlin", zone);
        let engine = support::engine(&text, dir.path()).await;
        check_buckets("postgres", &engine, &rows, zone.parse().unwrap()).await;
        let merged = std::sync::Arc::new(support::engine(&text, dir.path()).await);
        check_merged(&format!("postgres {zone}"), &merged, &engine).await;
    }
    schema.drop_now().await;
}

#[tokio::test]
async fn buckets_and_merged_loads_on_mariadb() {
    let rows = support::orders(5_000);
    let Some(db) = MyDatabase::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for zone in ZONES {
        let text = support::config_text(&db.url(), "orders", "").replace("Europe/Berlin", zone);
        let engine = support::engine(&text, dir.path()).await;
        check_buckets("mariadb", &engine, &rows, zone.parse().unwrap()).await;
        let merged = std::sync::Arc::new(support::engine(&text, dir.path()).await);
        check_merged(&format!("mariadb {zone}"), &merged, &engine).await;
    }
    db.drop_now().await;
}
