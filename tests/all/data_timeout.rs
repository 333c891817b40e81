//! Timeouts: a slow query is cancelled at its limit (2 s in the test
//! config) on every database, with a clear error, and the pool stays usable.

use std::time::{Duration, Instant};

use wasmdash::data::{DataEngine, DataError, RangeSpec};

use crate::data_support::{self as support, MyDatabase, PgSchema};

const LIMIT: Duration = Duration::from_millis(2_000);

async fn slow_query_is_cancelled(engine: &DataEngine) {
    let r: RangeSpec = "30d".parse().unwrap();
    let started = Instant::now();
    let e = engine.scalar("slow_count", &r, false).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(e, DataError::Timeout { limit_ms: 2_000 });
    assert_eq!(
        e.to_string(),
        "the query took longer than 2000 ms and was cancelled"
    );
    assert!(
        took >= LIMIT - Duration::from_millis(50),
        "stopped early: {took:?}"
    );
    assert!(
        took < LIMIT + Duration::from_millis(1_500),
        "stopped late: {took:?}"
    );
    // The connection that ran it is healthy again.
    let ok = engine.scalar("total_orders", &r, false).await.unwrap();
    assert!(ok.value.unwrap() > 0.0);
}

/// The test config with a dataset `slow` over `query` (which never ends in
/// time; `columns` as TOML, may be empty) and a metric `slow_count` of it.
fn slow_config(url: &str, table: &str, query: &str, columns: &str) -> String {
    let extra = format!(
        r#"
[[dataset]]
name = "slow"
source = "main"
query = "{query}"
time_column = "created_at"
{columns}

[[metric]]
name = "slow_count"
dataset = "slow"
aggregate = "count"
"#
    );
    support::config_text(url, table, &extra)
}

#[tokio::test]
async fn runaway_recursive_query_is_interrupted_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    support::sqlite_db(dir.path(), &support::orders(200));
    let text = slow_config(
        "sqlite://orders.db",
        "orders",
        "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 2000000000) \
         SELECT x AS id, '2025-03-31 00:00:00' AS created_at FROM r",
        r#"columns = [{ name = "id", kind = "int64" }]"#,
    );
    let engine = support::engine(&text, dir.path()).await;
    slow_query_is_cancelled(&engine).await;
}

#[tokio::test]
async fn sleeping_query_is_cancelled_on_postgres() {
    let Some(schema) = PgSchema::create(&support::orders(200)).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = slow_config(
        wasmdash_tests::POSTGRES_URL,
        &format!("{}.orders", schema.name),
        "SELECT 1 AS id, TIMESTAMP '2025-03-31 00:00:00' AS created_at FROM pg_sleep(30)",
        "",
    );
    let engine = support::engine(&text, dir.path()).await;
    slow_query_is_cancelled(&engine).await;
    // And the server really stopped it: no backend is still sleeping.
    assert_eq!(schema.count_running("pg_sleep(30)").await, 0);
    schema.drop_now().await;
}

#[tokio::test]
async fn sleeping_query_is_killed_on_mariadb() {
    let Some(db) = MyDatabase::create(&support::orders(200)).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = slow_config(
        &db.url(),
        "orders",
        "SELECT 1 AS id, TIMESTAMP '2025-03-31 00:00:00' AS created_at \
         FROM (SELECT SLEEP(30) AS z) AS s",
        "",
    );
    let engine = support::engine(&text, dir.path()).await;
    slow_query_is_cancelled(&engine).await;
    // And the server really stopped it: no session is still sleeping.
    assert_eq!(db.count_running("SLEEP(30)").await, 0);
    db.drop_now().await;
}
