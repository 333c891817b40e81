//! Injection: hostile values and names in every parameter are rejected or
//! bound, never executed — on SQLite and on the real PostgreSQL.

use wasmdash::config::{Filter, FilterOp, Literal};
use wasmdash::data::{BucketSpec, DataEngine, DataError, RangeSpec, RowsQuery};

use crate::data_support::{self as support, MyDatabase, PgSchema};

const HOSTILE: &[&str] = &[
    "x'; DROP TABLE canary; --",
    "\"; DROP TABLE canary; --",
    "status) OR 1=1 --",
    "1; DELETE FROM canary",
    "created_at`; DROP TABLE canary",
    "../../etc/passwd",
    "\u{0}",
];

/// No error message may show our SQL.
fn no_sql(e: &DataError) {
    let m = e.to_string();
    for word in ["SELECT", "FROM \"", "WHERE", "unixepoch", "CAST("] {
        assert!(!m.contains(word), "error leaks SQL: {m}");
    }
}

async fn attack(engine: &DataEngine) {
    let r: RangeSpec = "30d".parse().unwrap();
    for h in HOSTILE {
        // Names: metric, dataset, dimension, column, order.
        let e = engine.scalar(h, &r, false).await.unwrap_err();
        assert!(matches!(e, DataError::UnknownMetric(_)), "{e}");
        no_sql(&e);
        let e = engine.rows(h, &RowsQuery::default()).await.unwrap_err();
        assert!(matches!(e, DataError::UnknownDataset(_)), "{e}");
        let e = engine
            .categories("total_orders", &r, h, 5)
            .await
            .unwrap_err();
        assert!(matches!(e, DataError::DimensionNotAllowed { .. }), "{e}");
        no_sql(&e);
        for q in [
            RowsQuery {
                columns: vec![h.to_string()],
                ..RowsQuery::default()
            },
            RowsQuery {
                order_by: Some(h.to_string()),
                ..RowsQuery::default()
            },
            RowsQuery {
                filters: vec![Filter {
                    column: h.to_string(),
                    op: FilterOp::Eq,
                    value: Some(Literal::Text("a".into())),
                }],
                ..RowsQuery::default()
            },
        ] {
            let e = engine.rows("orders", &q).await.unwrap_err();
            assert!(
                matches!(e, DataError::UnknownColumn { .. } | DataError::BadFilter(_)),
                "{e}"
            );
            no_sql(&e);
        }
        // Ranges and buckets are parsed, never passed on.
        assert!(matches!(
            h.parse::<RangeSpec>(),
            Err(DataError::BadRange(_))
        ));
        assert!(RangeSpec::absolute(h, "2025-01-01").is_err());
        assert!(matches!(
            h.parse::<BucketSpec>(),
            Err(DataError::BadBucket(_))
        ));
        // Values: bound as text (no match), or refused for typed columns.
        let text = Filter {
            column: "status".into(),
            op: FilterOp::Eq,
            value: Some(Literal::Text(h.to_string())),
        };
        match engine
            .rows(
                "orders",
                &RowsQuery {
                    filters: vec![text],
                    ..RowsQuery::default()
                },
            )
            .await
        {
            Ok(page) => assert_eq!(page.total_rows, Some(0)),
            // NUL is refused up front, the same on every database.
            Err(e) => assert!(
                h.contains('\0') && matches!(e, DataError::BadFilter(_)),
                "{e}"
            ),
        }
        let list = Filter {
            column: "region".into(),
            op: FilterOp::In,
            value: Some(Literal::List(vec![
                Literal::Text("eu".into()),
                Literal::Text(h.to_string()),
            ])),
        };
        let q = RowsQuery {
            filters: vec![list],
            limit: Some(1),
            ..RowsQuery::default()
        };
        if !h.contains('\0') {
            let page = engine.rows("orders", &q).await.unwrap();
            assert!(page.total_rows.unwrap() > 0, "the `eu` rows still match");
        }
        for column in ["amount", "id", "created_at"] {
            let f = Filter {
                column: column.into(),
                op: FilterOp::Gt,
                value: Some(Literal::Text(h.to_string())),
            };
            let e = engine
                .rows(
                    "orders",
                    &RowsQuery {
                        filters: vec![f],
                        ..RowsQuery::default()
                    },
                )
                .await
                .unwrap_err();
            assert!(matches!(e, DataError::BadFilter(_)), "{column}: {e}");
        }
    }
    // Absurd numbers are refused, not passed through.
    let e = engine
        .categories("total_orders", &r, "status", 1_000_000)
        .await
        .unwrap_err();
    assert!(matches!(e, DataError::BadParameter(_)));
    let e = engine
        .rows(
            "orders",
            &RowsQuery {
                limit: Some(u64::MAX),
                ..RowsQuery::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, DataError::BadParameter(_)));
    let huge_offset = RowsQuery {
        offset: u64::MAX,
        limit: Some(5),
        ..RowsQuery::default()
    };
    assert_eq!(
        engine
            .rows("orders", &huge_offset)
            .await
            .unwrap()
            .rows
            .row_count,
        0
    );
}

#[tokio::test]
async fn hostile_input_is_rejected_or_bound_on_sqlite() {
    let rows = support::orders(500);
    let dir = tempfile::tempdir().unwrap();
    let (db, engine) = support::sqlite_engine(dir.path(), &rows).await;
    attack(&engine).await;
    let conn = rusqlite::Connection::open(db).unwrap();
    let canary: i64 = conn
        .query_row("SELECT count(*) FROM canary", [], |r| r.get(0))
        .unwrap();
    let orders: i64 = conn
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!((canary, orders), (1, 500));
}

#[tokio::test]
async fn hostile_input_is_rejected_or_bound_on_postgres() {
    let rows = support::orders(500);
    let Some(schema) = PgSchema::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = support::config_text(
        wasmdash_tests::POSTGRES_URL,
        &format!("{}.orders", schema.name),
        "",
    );
    let engine = support::engine(&text, dir.path()).await;
    attack(&engine).await;
    assert_eq!(schema.canary_rows().await, 1);
    schema.drop_now().await;
}

#[tokio::test]
async fn hostile_input_is_rejected_or_bound_on_mariadb() {
    let rows = support::orders(500);
    let Some(db) = MyDatabase::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let engine = support::engine(&support::config_text(&db.url(), "orders", ""), dir.path()).await;
    attack(&engine).await;
    assert_eq!(db.canary_and_orders().await, (1, 500));
    db.drop_now().await;
}

#[tokio::test]
async fn sessions_are_read_only_even_for_admin_queries() {
    // A dataset query that tries to write is refused by the database.
    let rows = support::orders(50);
    let dir = tempfile::tempdir().unwrap();
    let db = support::sqlite_db(dir.path(), &rows);
    let extra = r#"
[[dataset]]
name = "sneaky"
source = "main"
query = "WITH d AS (DELETE FROM canary RETURNING x) SELECT x AS id, '2025-03-31 00:00:00' AS created_at FROM d"
time_column = "created_at"
"#;
    let text = support::config_text("sqlite://orders.db", "orders", extra);
    let config =
        wasmdash::config::Config::parse(&text, &dir.path().join("wasmdash.toml"), Vec::new())
            .unwrap();
    // SQLite has no writable CTEs; the schema check refuses the dataset.
    let e = DataEngine::connect(&config).await.unwrap_err();
    assert!(e.to_string().contains("dataset `sneaky`"), "{e}");
    let conn = rusqlite::Connection::open(db).unwrap();
    let canary: i64 = conn
        .query_row("SELECT count(*) FROM canary", [], |r| r.get(0))
        .unwrap();
    assert_eq!(canary, 1);
}

#[tokio::test]
async fn mariadb_sessions_stay_utc_and_read_only_when_reused() {
    // A pooled session is reused for query after query; the settings made
    // when it was opened (UTC, read-only) must hold for every one of them,
    // not only the first.
    let rows = support::orders(200);
    let Some(db) = MyDatabase::create(&rows).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let extra = r#"
[[dataset]]
name = "session"
source = "main"
query = "SELECT created_at, @@session.tx_read_only AS ro, (@@session.time_zone = '+00:00') AS utc FROM orders"
time_column = "created_at"

[[metric]]
name = "read_only"
dataset = "session"
aggregate = "min"
column = "ro"

[[metric]]
name = "utc"
dataset = "session"
aggregate = "min"
column = "utc"
"#;
    let engine = support::engine(
        &support::config_text(&db.url(), "orders", extra),
        dir.path(),
    )
    .await;
    for range in ["7d", "30d", "previous_month", "this_quarter", "this_year"] {
        let r: RangeSpec = range.parse().unwrap();
        for metric in ["read_only", "utc"] {
            let v = engine.scalar(metric, &r, false).await.unwrap();
            assert_eq!(v.value, Some(1.0), "{metric} over {range}");
            // Let the session go back to the pool before the next query.
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
    }
    db.drop_now().await;
}
