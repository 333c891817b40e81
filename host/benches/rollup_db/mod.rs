//! The databases of the `rollups` bench: the demo's rows copied into
//! PostgreSQL and MariaDB, a bigger table generated inside PostgreSQL for
//! the scale run, and late rows added to each.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub(crate) const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
pub(crate) const MARIADB_URL: &str = "mysql://root@127.0.0.1:3306/test";

pub(crate) type Order = (i64, String, String, String, i64, String, f64, Option<i64>);
pub(crate) type Customer = (i64, String, String, String);

/// Every order and customer of the demo file.
pub(crate) fn demo_rows(db: &Path) -> (Vec<Order>, Vec<Customer>) {
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

/// A client of the bench's PostgreSQL, or `None` (printed) when it is
/// not reachable.
pub(crate) async fn postgres() -> Option<tokio_postgres::Client> {
    let connected = tokio::time::timeout(
        Duration::from_secs(5),
        tokio_postgres::connect(PG_URL, tokio_postgres::NoTls),
    )
    .await;
    match connected {
        Ok(Ok((client, conn))) => {
            tokio::spawn(conn);
            Some(client)
        }
        Ok(Err(e)) => {
            println!("PostgreSQL skipped: {PG_URL}: {e}");
            None
        }
        Err(_) => {
            println!("PostgreSQL skipped: {PG_URL}: connect timed out");
            None
        }
    }
}

const PG_TABLES: &str =
    "CREATE TABLE {s}.orders (id bigint PRIMARY KEY, created_at timestamp NOT NULL,
   status text NOT NULL, region text NOT NULL, customer_id bigint NOT NULL,
   product text NOT NULL, amount double precision NOT NULL, completion_seconds bigint);
 CREATE TABLE {s}.customers (id bigint PRIMARY KEY, name text NOT NULL,
   region text NOT NULL, signed_up_at timestamp NOT NULL);";

/// The demo's rows copied into schema `rollup_bench`.
pub(crate) async fn load_postgres(
    orders: &[Order],
    customers: &[Customer],
) -> Option<tokio_postgres::Client> {
    let client = postgres().await?;
    eprintln!("copying the demo into PostgreSQL…");
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS rollup_bench CASCADE; CREATE SCHEMA rollup_bench; {}",
            PG_TABLES.replace("{s}", "rollup_bench")
        ))
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

/// `n` orders generated inside PostgreSQL in schema `schema`, spread over
/// the two years before `now` like the demo's (denser as time goes on),
/// stored in time order with ids in that order, and 20,000 customers.
pub(crate) async fn generate_postgres(
    client: &tokio_postgres::Client,
    schema: &str,
    n: i64,
    now: DateTime<Utc>,
) {
    eprintln!("generating {n} orders in PostgreSQL…");
    let now = crate::figures::ts(now);
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
             CREATE TABLE {schema}.orders AS
             WITH t AS (
               SELECT TIMESTAMP '{now}' - interval '730 days'
                        + floor(sqrt(random()) * 63072000) * interval '1 second' AS created_at,
                      random() AS u, random() AS v, random() AS w, random() AS x
               FROM generate_series(1, {n}))
             SELECT row_number() OVER (ORDER BY created_at) AS id, created_at,
               CASE WHEN u < 0.002 THEN 'active' WHEN u < 0.047 THEN 'error'
                    WHEN u < 0.097 THEN 'cancelled' ELSE 'completed' END AS status,
               (ARRAY['eu','eu','eu','eu','eu','eu','eu','us','us','us','us','us','us',
                      'apac','apac','apac','apac','latam','latam','africa'])[1 + floor(v * 20)::int] AS region,
               1 + floor(w * 20000)::bigint AS customer_id,
               (ARRAY['Starter plan','Team plan','Business plan','Enterprise plan','Data add-on',
                      'Support pack','Training','Consulting day'])[1 + floor(x * 8)::int] AS product,
               round((19 + x * 2000)::numeric, 2)::float8 AS amount,
               CASE WHEN u >= 0.097 THEN 120 + floor(w * 1800)::bigint END AS completion_seconds
             FROM t ORDER BY created_at;
             ALTER TABLE {schema}.orders ADD PRIMARY KEY (id);
             CREATE INDEX ON {schema}.orders (created_at);
             CREATE TABLE {schema}.customers AS
             SELECT g::bigint AS id, 'Customer ' || g AS name,
               (ARRAY['eu','us','apac','latam','africa'])[1 + g % 5] AS region,
               TIMESTAMP '{now}' - g * interval '1 hour' AS signed_up_at
             FROM generate_series(1, 20000) g;
             CREATE INDEX ON {schema}.customers (signed_up_at);"
        ))
        .await
        .expect("pg generate");
    // Alone: several statements in one call run as one transaction, which
    // VACUUM refuses.
    for stmt in [
        format!("VACUUM ANALYZE {schema}.orders"),
        format!("ANALYZE {schema}.customers"),
    ] {
        client.batch_execute(&stmt).await.expect("pg vacuum");
    }
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

/// The hour before the last full hour before `now`, Unix seconds: late
/// rows land there, inside a 2 h look-back window.
pub(crate) fn late_hour(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(3600) * 3600 - 3600
}

/// The condition picking the late rows the bench adds: completed in 60 s,
/// which no demo or generated order is (they take 120 s or more).
pub(crate) const ADDED: &str = "completion_seconds = 60";

/// Take the added late rows out of PostgreSQL table `table`.
pub(crate) async fn remove_postgres(client: &tokio_postgres::Client, table: &str) {
    client
        .batch_execute(&format!("DELETE FROM {table} WHERE {ADDED}"))
        .await
        .expect("pg remove late rows");
}

/// Take the added late rows out of the MariaDB demo copy.
pub(crate) async fn remove_mariadb(pool: &mysql_async::Pool) {
    use mysql_async::prelude::Queryable;
    let mut conn = pool.get_conn().await.expect("mariadb conn");
    conn.query_drop(format!("DELETE FROM orders WHERE {ADDED}"))
        .await
        .expect("mariadb remove late rows");
}

/// Add `n` orders in [`late_hour`] to PostgreSQL table `table`.
pub(crate) async fn add_postgres(
    client: &tokio_postgres::Client,
    table: &str,
    now: DateTime<Utc>,
    n: i64,
) {
    let hour = DateTime::from_timestamp(late_hour(now), 0).expect("hour");
    client
        .batch_execute(&format!(
            "INSERT INTO {table} (id, created_at, status, region, customer_id, product, amount, completion_seconds)
             SELECT m + g, TIMESTAMP '{}' + (g % 3600) * interval '1 second', 'completed', 'eu', 1,
               'Starter plan', 19.0, 60
             FROM generate_series(1, {n}) g, (SELECT max(id) AS m FROM {table}) x",
            crate::figures::ts(hour)
        ))
        .await
        .expect("pg late rows");
}

/// The demo's rows copied into database `test_rollup_bench`.
pub(crate) async fn load_mariadb(
    orders: &[Order],
    customers: &[Customer],
) -> Option<mysql_async::Pool> {
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

/// Add `n` orders in [`late_hour`] to the MariaDB demo copy.
pub(crate) async fn add_mariadb(pool: &mysql_async::Pool, now: DateTime<Utc>, n: i64) {
    use mysql_async::prelude::Queryable;
    let mut conn = pool.get_conn().await.expect("mariadb conn");
    let max: Option<i64> = conn
        .query_first("SELECT MAX(id) FROM orders")
        .await
        .expect("max id");
    let (max, hour) = (max.unwrap_or(0), late_hour(now));
    let values: Vec<String> = (1..=n)
        .map(|i| {
            let t = DateTime::from_timestamp(hour + i % 3600, 0).expect("time");
            format!(
                "({}, '{}', 'completed', 'eu', 1, 'Starter plan', 19.0, 60)",
                max + i,
                crate::figures::ts(t)
            )
        })
        .collect();
    conn.query_drop(format!("INSERT INTO orders VALUES {}", values.join(",")))
        .await
        .expect("mariadb late rows");
}
