//! Shared data for the data-engine tests: a small deterministic `orders`
//! table loaded into a real SQLite file and, when reachable, into a fresh
//! schema of the machine's PostgreSQL (dropped afterwards).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use wasmdash::config::Config;
use wasmdash::data::DataEngine;
use wasmdash::frame::Series;

/// "Now" for every data test: just after the Berlin DST change of
/// 2025-03-30, so day buckets cross it.
pub(crate) const NOW: &str = "2025-04-01T10:00:00Z";

pub(crate) fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&Utc)
}

/// One generated order.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) id: i64,
    pub(crate) created_at: String,
    pub(crate) status: &'static str,
    pub(crate) region: Option<&'static str>,
    pub(crate) customer_id: i64,
    pub(crate) amount: f64,
    pub(crate) completion_seconds: Option<i64>,
}

/// `n` orders over the 70 days before [`NOW`], the same on every run.
pub(crate) fn orders(n: usize) -> Vec<Order> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |m: u64| {
        // xorshift64*: deterministic, no dependency.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D) % m
    };
    let start = now() - Duration::days(70);
    (0..n)
        .map(|i| {
            let t = start + Duration::seconds(next(70 * 86_400) as i64);
            let status = [
                "completed",
                "completed",
                "completed",
                "active",
                "error",
                "cancelled",
            ][next(6) as usize];
            let region =
                [Some("eu"), Some("us"), Some("apac"), Some("latam"), None][next(5) as usize];
            Order {
                id: i as i64 + 1,
                created_at: t.format("%Y-%m-%d %H:%M:%S").to_string(),
                status,
                region,
                customer_id: next(300) as i64,
                amount: (100 + next(50_000)) as f64 / 100.0,
                completion_seconds: (status == "completed").then(|| 30 + next(7_200) as i64),
            }
        })
        .collect()
}

/// An SQLite file holding `rows` as `orders`, plus a `canary` table the
/// injection tests check survives.
pub(crate) fn sqlite_db(dir: &Path, rows: &[Order]) -> PathBuf {
    let path = dir.join("orders.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL,
           region TEXT, customer_id INTEGER NOT NULL, amount REAL NOT NULL, completion_seconds INTEGER);
         CREATE INDEX orders_created_at ON orders(created_at);
         CREATE TABLE canary (x INTEGER); INSERT INTO canary VALUES (1);",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut ins = tx
            .prepare("INSERT INTO orders VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .unwrap();
        for o in rows {
            ins.execute(rusqlite::params![
                o.id,
                o.created_at,
                o.status,
                o.region,
                o.customer_id,
                o.amount,
                o.completion_seconds
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    path
}

/// A schema or database name no other test (or test run) uses.
fn unique_name() -> String {
    format!(
        "wasmdash_t{}_{}",
        std::process::id(),
        Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or_default()
            .rem_euclid(1_000_000_000)
    )
}

/// A PostgreSQL schema of its own for one test, dropped on [`PgSchema::drop_now`].
pub(crate) struct PgSchema {
    pub(crate) name: String,
    client: tokio_postgres::Client,
}

impl PgSchema {
    /// A fresh schema holding `rows` as `orders` (and a `canary` table), or
    /// `None` (after printing why) when PostgreSQL is not reachable and CI
    /// does not require it.
    pub(crate) async fn create(rows: &[Order]) -> Option<Self> {
        let (client, conn) = wasmdash_tests::connect_or_skip(
            "PostgreSQL",
            tokio_postgres::connect(wasmdash_tests::POSTGRES_URL, tokio_postgres::NoTls),
        )
        .await?;
        tokio::spawn(conn);
        let name = unique_name();
        client
            .batch_execute(&format!(
                "CREATE SCHEMA {name};
                 CREATE TABLE {name}.orders (id bigint PRIMARY KEY, created_at timestamp NOT NULL,
                   status text NOT NULL, region text, customer_id bigint NOT NULL,
                   amount double precision NOT NULL, completion_seconds bigint);
                 CREATE INDEX ON {name}.orders(created_at);
                 CREATE TABLE {name}.canary (x int); INSERT INTO {name}.canary VALUES (1);"
            ))
            .await
            .unwrap();
        let ins = client
            .prepare(&format!(
                "INSERT INTO {name}.orders VALUES ($1, $2::text::timestamp, $3, $4, $5, $6, $7)"
            ))
            .await
            .unwrap();
        client.batch_execute("BEGIN").await.unwrap();
        for o in rows {
            client
                .execute(
                    &ins,
                    &[
                        &o.id,
                        &o.created_at,
                        &o.status,
                        &o.region,
                        &o.customer_id,
                        &o.amount,
                        &o.completion_seconds,
                    ],
                )
                .await
                .unwrap();
        }
        client.batch_execute("COMMIT").await.unwrap();
        Some(Self { name, client })
    }

    /// Run `sql` (a test's own statement) in this database.
    pub(crate) async fn execute(&self, sql: &str) {
        self.client.batch_execute(sql).await.unwrap();
    }

    /// Rows left in the canary table.
    pub(crate) async fn canary_rows(&self) -> i64 {
        let row = self
            .client
            .query_one(&format!("SELECT count(*) FROM {}.canary", self.name), &[])
            .await
            .unwrap();
        row.get(0)
    }

    /// Active statements (other than ours) whose text contains `needle`.
    pub(crate) async fn count_running(&self, needle: &str) -> i64 {
        let row = self
            .client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
                 AND pid <> pg_backend_pid() AND strpos(query, $1) > 0",
                &[&needle],
            )
            .await
            .unwrap();
        row.get(0)
    }

    /// Drop the schema and everything in it.
    pub(crate) async fn drop_now(self) {
        self.client
            .batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name))
            .await
            .unwrap();
    }
}

/// A MariaDB database of its own for one test (`orders` and a `canary`
/// table), dropped on [`MyDatabase::drop_now`].
pub(crate) struct MyDatabase {
    pub(crate) name: String,
    pool: mysql_async::Pool,
}

impl MyDatabase {
    /// A fresh database holding `rows` as `orders`, or `None` (after
    /// printing why) when MariaDB is not reachable and CI does not require
    /// it.
    pub(crate) async fn create(rows: &[Order]) -> Option<Self> {
        use mysql_async::prelude::Queryable;
        let pool = mysql_async::Pool::new(wasmdash_tests::MARIADB_URL);
        let mut conn = wasmdash_tests::connect_or_skip("MariaDB", pool.get_conn()).await?;
        let name = unique_name();
        conn.query_drop(format!(
            "CREATE DATABASE {name} CHARACTER SET utf8mb4;
             CREATE TABLE {name}.orders (id BIGINT PRIMARY KEY, created_at DATETIME NOT NULL,
               status VARCHAR(32) NOT NULL, region VARCHAR(32), customer_id BIGINT NOT NULL,
               amount DOUBLE NOT NULL, completion_seconds BIGINT, INDEX (created_at));
             CREATE TABLE {name}.canary (x INT); INSERT INTO {name}.canary VALUES (1);"
        ))
        .await
        .unwrap();
        for chunk in rows.chunks(1000) {
            let values: Vec<String> = chunk
                .iter()
                .map(|o| {
                    format!(
                        "({}, '{}', '{}', {}, {}, {}, {})",
                        o.id,
                        o.created_at,
                        o.status,
                        o.region.map_or("NULL".into(), |r| format!("'{r}'")),
                        o.customer_id,
                        o.amount,
                        o.completion_seconds
                            .map_or("NULL".into(), |c| c.to_string())
                    )
                })
                .collect();
            conn.query_drop(format!(
                "INSERT INTO {name}.orders VALUES {}",
                values.join(", ")
            ))
            .await
            .unwrap();
        }
        drop(conn);
        Some(Self { name, pool })
    }

    /// The URL of this database.
    pub(crate) fn url(&self) -> String {
        format!("{}/{}", wasmdash_tests::MARIADB_URL, self.name)
    }

    /// Run `sql` (a test's own statement) in this database.
    pub(crate) async fn execute(&self, sql: &str) {
        use mysql_async::prelude::Queryable;
        let mut conn = self.pool.get_conn().await.unwrap();
        conn.query_drop(sql).await.unwrap();
    }

    /// Rows left in (`canary`, `orders`).
    pub(crate) async fn canary_and_orders(&self) -> (i64, i64) {
        use mysql_async::prelude::Queryable;
        let mut conn = self.pool.get_conn().await.unwrap();
        let row: Option<(i64, i64)> = conn
            .query_first(format!(
                "SELECT (SELECT COUNT(*) FROM {0}.canary), (SELECT COUNT(*) FROM {0}.orders)",
                self.name
            ))
            .await
            .unwrap();
        row.unwrap_or_default()
    }

    /// Statements running in other sessions whose text contains `needle`.
    pub(crate) async fn count_running(&self, needle: &str) -> i64 {
        use mysql_async::prelude::Queryable;
        let mut conn = self.pool.get_conn().await.unwrap();
        let n: Option<i64> = conn
            .exec_first(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST \
                 WHERE ID <> CONNECTION_ID() AND COMMAND = 'Query' AND INSTR(INFO, ?) > 0",
                (needle,),
            )
            .await
            .unwrap();
        n.unwrap_or(0)
    }

    /// Drop the database and everything in it.
    pub(crate) async fn drop_now(self) {
        use mysql_async::prelude::Queryable;
        let mut conn = self.pool.get_conn().await.unwrap();
        conn.query_drop(format!("DROP DATABASE {}", self.name))
            .await
            .unwrap();
        drop(conn);
        let _ = self.pool.disconnect().await;
    }
}

/// The config used by the data tests; `table` is `orders` or
/// `<schema>.orders`. Extra TOML (more datasets) goes at the end.
pub(crate) fn config_text(url: &str, table: &str, extra: &str) -> String {
    format!(
        r#"
[server]
timezone = "Europe/Berlin"

[[source]]
name = "main"
url = "{url}"
query_timeout_ms = 2000

[[dataset]]
name = "orders"
label = "Orders"
source = "main"
table = "{table}"
time_column = "created_at"
columns = ["id", "created_at", "status", "region", "customer_id", "amount", "completion_seconds"]

[[metric]]
name = "total_orders"
label = "Total orders"
dataset = "orders"
aggregate = "count"
dimensions = ["status", "region"]

[[metric]]
name = "revenue"
dataset = "orders"
aggregate = "sum"
column = "amount"
filters = [{{ column = "status", op = "!=", value = "cancelled" }}]
dimensions = ["region", "status"]
format = "currency"
unit = "EUR"

[[metric]]
name = "avg_completion"
dataset = "orders"
aggregate = "avg"
column = "completion_seconds"
filters = [{{ column = "status", op = "=", value = "completed" }}]
dimensions = ["region"]
format = "duration"

[[metric]]
name = "error_rate"
dataset = "orders"
aggregate = "ratio"
ratio_filter = [{{ column = "status", op = "=", value = "error" }}]
dimensions = ["region"]
format = "percent"

[[metric]]
name = "customers"
dataset = "orders"
aggregate = "count_distinct"
column = "customer_id"

[[metric]]
name = "max_amount"
dataset = "orders"
aggregate = "max"
column = "amount"
filters = [{{ column = "region", op = "in", value = ["eu", "us"] }}, {{ column = "amount", op = ">=", value = 10 }}]

[[metric]]
name = "no_region"
dataset = "orders"
aggregate = "count"
filters = [{{ column = "region", op = "is null" }}]
{extra}
"#
    )
}

/// Parse `text` (as if in `dir`) and connect an engine with the test clock.
/// An engine over an SQLite file of `rows` in `dir` (the file's path is
/// returned too), with the test config and no extra datasets.
pub(crate) async fn sqlite_engine(dir: &Path, rows: &[Order]) -> (PathBuf, DataEngine) {
    let db = sqlite_db(dir, rows);
    let engine = engine(&config_text("sqlite://orders.db", "orders", ""), dir).await;
    (db, engine)
}

pub(crate) async fn engine(text: &str, dir: &Path) -> DataEngine {
    let config = Config::parse(text, &dir.join("wasmdash.toml"), Vec::new()).unwrap();
    DataEngine::connect(&config)
        .await
        .unwrap()
        .with_clock(Arc::new(now))
}

/// Equal, or within 1e-9 relative (sums are added in different orders).
pub(crate) fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        _ => false,
    }
}

/// Same bucket starts and nulls, values [`close`].
/// Two answers of the same scalar question agree: value, previous period
/// and sparkline.
pub(crate) fn same_scalar(
    a: &wasmdash::frame::ScalarData,
    b: &wasmdash::frame::ScalarData,
    what: &str,
) {
    assert!(
        close(a.value, b.value),
        "{what}: {:?} vs {:?}",
        a.value,
        b.value
    );
    assert!(
        close(a.previous, b.previous),
        "{what} previous: {:?} vs {:?}",
        a.previous,
        b.previous
    );
    same_series(
        a.sparkline.as_ref().unwrap(),
        b.sparkline.as_ref().unwrap(),
        what,
    );
}

pub(crate) fn same_series(a: &Series, b: &Series, what: &str) {
    assert_eq!(a.timestamps, b.timestamps, "{what}: bucket starts");
    assert_eq!(a.nulls, b.nulls, "{what}: nulls");
    for (x, y) in a.values.iter().zip(&b.values) {
        assert!(close(Some(*x), Some(*y)), "{what}: {x} vs {y}");
    }
}

/// The ranges every conformance check covers (raw SQL on each database,
/// rollups against raw SQL).
pub(crate) const CONFORMANCE_RANGES: &[&str] = &[
    "24h",
    "7d",
    "30d",
    "today",
    "yesterday",
    "this_week",
    "this_month",
    "previous_month",
    "previous_week",
    "this_quarter",
    "this_year",
];
/// The metrics of [`config_text`] every conformance check covers.
pub(crate) const CONFORMANCE_METRICS: &[&str] = &[
    "total_orders",
    "revenue",
    "avg_completion",
    "error_rate",
    "customers",
    "max_amount",
    "no_region",
];
