//! Conformance: the same config and queries give the same results on
//! SQLite, on the real PostgreSQL and on the real MariaDB, and the numbers match what the
//! generated rows say.

use futures::StreamExt;
use wasmdash::config::{Filter, FilterOp, Literal};
use wasmdash::data::{BucketSpec, DataEngine, RangeSpec, RowsQuery};
use wasmdash::frame::{Batch, ColumnValues};

use crate::data_support::{
    self as support, CONFORMANCE_METRICS as METRICS, CONFORMANCE_RANGES as RANGES, MyDatabase,
    PgSchema, close, same_scalar, same_series,
};

/// Rows as comparable strings, whatever the column encoding.
fn flatten(batch: &Batch) -> Vec<String> {
    let mut rows = vec![String::new(); batch.row_count as usize];
    for col in &batch.columns {
        for (i, row) in rows.iter_mut().enumerate() {
            let v = if col.is_null(i) {
                "null".to_string()
            } else {
                match &col.values {
                    ColumnValues::Float64(v) => format!("{:.6}", v[i]),
                    ColumnValues::Int64(v) | ColumnValues::Timestamp(v) => v[i].to_string(),
                    ColumnValues::Boolean(v) => v[i].to_string(),
                    ColumnValues::Text(v) => v[i].clone(),
                    ColumnValues::Dictionary { dictionary, codes } => {
                        dictionary[codes[i] as usize].clone()
                    }
                }
            };
            row.push_str(&v);
            row.push('|');
        }
    }
    rows
}

async fn compare(lite: &DataEngine, pg: &DataEngine) {
    compare_scans(lite, pg).await;
    compare_rest(lite, pg).await;
}

/// Scalars (with previous period and sparkline) and series of every
/// metric over every range and bucket shape.
async fn compare_scans(lite: &DataEngine, pg: &DataEngine) {
    for metric in METRICS {
        for range in RANGES {
            let r: RangeSpec = range.parse().unwrap();
            let (a, b) = (
                lite.scalar(metric, &r, true).await.unwrap(),
                pg.scalar(metric, &r, true).await.unwrap(),
            );
            let what = format!("scalar {metric} {range}");
            same_scalar(&a, &b, &what);
        }
        for (range, bucket) in [
            ("24h", "hour"),
            ("7d", "hour"),
            ("30d", "day"),
            ("this_year", "week"),
            ("this_year", "month"),
            ("90d", "auto"),
            ("yesterday", "minute"),
        ] {
            let r: RangeSpec = range.parse().unwrap();
            let bucket: BucketSpec = bucket.parse().unwrap();
            let a = lite.series(metric, &r, bucket, true).await.unwrap();
            let b = pg.series(metric, &r, bucket, true).await.unwrap();
            let what = format!("series {metric} {range} {bucket:?}");
            assert_eq!(a.bucket, b.bucket);
            same_series(&a.points, &b.points, &what);
            same_series(
                a.previous.as_ref().unwrap(),
                b.previous.as_ref().unwrap(),
                &what,
            );
        }
    }
}

/// Categories, rows pages and streams.
async fn compare_rest(lite: &DataEngine, pg: &DataEngine) {
    for (metric, by) in [
        ("total_orders", "status"),
        ("total_orders", "region"),
        ("revenue", "region"),
        ("error_rate", "region"),
        ("avg_completion", "region"),
    ] {
        for top in [1, 2, 10] {
            let r: RangeSpec = "30d".parse().unwrap();
            let a = lite.categories(metric, &r, by, top).await.unwrap();
            let b = pg.categories(metric, &r, by, top).await.unwrap();
            assert_eq!(a.labels, b.labels, "categories {metric} by {by} top {top}");
            for (x, y) in a.values.iter().zip(&b.values) {
                assert!(
                    close(Some(*x), Some(*y)),
                    "categories {metric} {by}: {x} vs {y}"
                );
            }
        }
    }
    let queries = [
        RowsQuery {
            order_by: Some("id".into()),
            limit: Some(50),
            offset: 10,
            ..RowsQuery::default()
        },
        RowsQuery {
            columns: vec![
                "id".into(),
                "status".into(),
                "amount".into(),
                "created_at".into(),
                "completion_seconds".into(),
            ],
            range: Some("7d".parse().unwrap()),
            filters: vec![
                Filter {
                    column: "status".into(),
                    op: FilterOp::In,
                    value: Some(Literal::List(vec![
                        Literal::Text("error".into()),
                        Literal::Text("completed".into()),
                    ])),
                },
                Filter {
                    column: "amount".into(),
                    op: FilterOp::Gt,
                    value: Some(Literal::Text("100.5".into())),
                },
            ],
            order_by: Some("amount".into()),
            descending: true,
            limit: Some(200),
            ..RowsQuery::default()
        },
        RowsQuery {
            filters: vec![Filter {
                column: "region".into(),
                op: FilterOp::IsNull,
                value: None,
            }],
            order_by: Some("created_at".into()),
            limit: Some(30),
            ..RowsQuery::default()
        },
    ];
    for q in &queries {
        let a = lite.rows("orders", q).await.unwrap();
        let b = pg.rows("orders", q).await.unwrap();
        assert_eq!(a.schema, b.schema);
        assert_eq!(a.total_rows, b.total_rows);
        assert!(a.rows.row_count > 0);
        assert_eq!(flatten(&a.rows), flatten(&b.rows), "rows {q:?}");
    }
    // Streams: same rows, in batches of at most the asked size.
    let q = RowsQuery {
        order_by: Some("id".into()),
        ..RowsQuery::default()
    };
    let mut all = Vec::new();
    for engine in [lite, pg] {
        let (schema, mut stream) = engine.stream_rows("orders", &q, 700).await.unwrap();
        assert_eq!(schema.len(), 7);
        let mut rows = Vec::new();
        while let Some(batch) = stream.next().await {
            let batch = batch.unwrap();
            assert!(batch.row_count <= 700);
            rows.extend(flatten(&batch));
        }
        all.push(rows);
    }
    assert_eq!(all[0].len(), 5_000);
    assert_eq!(all[0], all[1]);
}

/// SQLite answers a scan slice by slice through the time index when that
/// is cheap (a short range, or rows stored in time order) and by one pass
/// over the table otherwise: the same rows stored in time order and
/// shuffled take different paths for the long ranges and must agree on
/// every answer.
#[tokio::test]
async fn sqlite_sliced_and_unsliced_scans_agree() {
    let shuffled = support::orders(5_000);
    let mut in_order = shuffled.clone();
    in_order.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    for (i, o) in in_order.iter_mut().enumerate() {
        o.id = i as i64 + 1;
    }
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_, sliced) = support::sqlite_engine(a.path(), &in_order).await;
    let (_, mixed) = support::sqlite_engine(b.path(), &shuffled).await;
    compare_scans(&sliced, &mixed).await;
    // Rows in time order: every scan went through slices. Shuffled rows:
    // only the short ranges did; the long ones read the table.
    let (s, m) = (sliced.sliced_scans_run(), mixed.sliced_scans_run());
    assert!(m > 0, "shuffled rows: the short ranges went through slices");
    assert!(
        s > m,
        "rows in time order: the long ranges went through slices too ({s} vs {m} sliced scans)"
    );
}

#[tokio::test]
async fn sqlite_and_postgres_give_identical_results() {
    let rows = support::orders(5_000);
    let Some(schema) = PgSchema::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, lite) = support::sqlite_engine(dir.path(), &rows).await;
    let pg_text = support::config_text(
        wasmdash_tests::POSTGRES_URL,
        &format!("{}.orders", schema.name),
        "",
    );
    let pg = support::engine(&pg_text, dir.path()).await;
    compare(&lite, &pg).await;
    schema.drop_now().await;
}

#[tokio::test]
async fn sqlite_and_mariadb_give_identical_results() {
    let rows = support::orders(5_000);
    let Some(db) = MyDatabase::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, lite) = support::sqlite_engine(dir.path(), &rows).await;
    let my = support::engine(&support::config_text(&db.url(), "orders", ""), dir.path()).await;
    compare(&lite, &my).await;
    assert!(
        my.statements_run() > 100,
        "the comparison ran its queries on MariaDB ({} statements)",
        my.statements_run()
    );
    // And `mariadb://` reads as `mysql://`.
    let url = db.url().replace("mysql://", "mariadb://");
    let my = support::engine(&support::config_text(&url, "orders", ""), dir.path()).await;
    let r: RangeSpec = "30d".parse().unwrap();
    assert!(close(
        lite.scalar("revenue", &r, false).await.unwrap().value,
        my.scalar("revenue", &r, false).await.unwrap().value
    ));
    db.drop_now().await;
}

#[tokio::test]
async fn sqlite_results_match_the_generated_rows() {
    let rows = support::orders(5_000);
    let dir = tempfile::tempdir().unwrap();
    let (_, lite) = support::sqlite_engine(dir.path(), &rows).await;
    // An absolute UTC range, counted here by hand from the same rows.
    let (from, to) = ("2025-03-01T00:00:00Z", "2025-03-15T00:00:00Z");
    let inside: Vec<_> = rows
        .iter()
        .filter(|o| {
            o.created_at.as_str() >= "2025-03-01 00:00:00"
                && o.created_at.as_str() < "2025-03-15 00:00:00"
        })
        .collect();
    let r = RangeSpec::absolute(from, to).unwrap();
    let total = lite.scalar("total_orders", &r, false).await.unwrap();
    assert_eq!(total.value, Some(inside.len() as f64));
    let errors = inside.iter().filter(|o| o.status == "error").count() as f64;
    let rate = lite
        .scalar("error_rate", &r, false)
        .await
        .unwrap()
        .value
        .unwrap();
    assert!((rate - errors / inside.len() as f64).abs() < 1e-12);
    let revenue: f64 = inside
        .iter()
        .filter(|o| o.status != "cancelled")
        .map(|o| o.amount)
        .sum();
    let got = lite
        .scalar("revenue", &r, false)
        .await
        .unwrap()
        .value
        .unwrap();
    assert!((got - revenue).abs() < 1e-6, "{got} vs {revenue}");
    // Day series (Berlin days) sum to the total; empty buckets are 0.
    let series = lite
        .series(
            "total_orders",
            &r,
            BucketSpec::Fixed(wasmdash::data::Bucket::Day),
            false,
        )
        .await
        .unwrap();
    assert_eq!(
        series.points.values.iter().sum::<f64>(),
        inside.len() as f64
    );
    assert!(series.points.nulls.is_empty());
    // Categories: top 2 statuses plus "other" add up to the total.
    let cats = lite
        .categories("total_orders", &r, "status", 2)
        .await
        .unwrap();
    assert_eq!(cats.labels.len(), 3);
    assert_eq!(cats.labels[2], "other");
    assert_eq!(cats.values.iter().sum::<f64>(), inside.len() as f64);
    assert_eq!(cats.labels[0], "completed");

    // Every foldable aggregate: each top group and "other" equal the same
    // aggregate computed here over the same rows.
    type Agg = fn(&[&&support::Order]) -> Option<f64>;
    let sum_revenue: Agg = |os| {
        let v: Vec<f64> = os
            .iter()
            .filter(|o| o.status != "cancelled")
            .map(|o| o.amount)
            .collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    let avg_completion: Agg = |os| {
        let v: Vec<f64> = os
            .iter()
            .filter(|o| o.status == "completed")
            .filter_map(|o| o.completion_seconds.map(|s| s as f64))
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let error_rate: Agg = |os| {
        (!os.is_empty())
            .then(|| os.iter().filter(|o| o.status == "error").count() as f64 / os.len() as f64)
    };
    let cases: [(&str, &str, Agg); 3] = [
        ("revenue", "status", sum_revenue),
        ("avg_completion", "region", avg_completion),
        ("error_rate", "region", error_rate),
    ];
    for (metric, by, agg) in cases {
        let key = |o: &support::Order| -> String {
            match by {
                "status" => o.status.to_string(),
                _ => o.region.unwrap_or("(none)").to_string(),
            }
        };
        let cats = lite.categories(metric, &r, by, 1).await.unwrap();
        assert_eq!(cats.labels.len(), 2, "{metric}: {:?}", cats.labels);
        assert_eq!(cats.labels[1], "other");
        let top: Vec<_> = inside.iter().filter(|o| key(o) == cats.labels[0]).collect();
        let rest: Vec<_> = inside.iter().filter(|o| key(o) != cats.labels[0]).collect();
        for (got, want) in [(cats.values[0], agg(&top)), (cats.values[1], agg(&rest))] {
            let want = want.unwrap_or(0.0);
            assert!(
                (got - want).abs() < 1e-6 * want.abs().max(1.0),
                "{metric} by {by}: {got} vs {want}"
            );
        }
    }
}
