//! A client that hangs up cancels the database query: checked on the
//! machine's PostgreSQL (`pg_stat_activity`) and MariaDB
//! (`information_schema.PROCESSLIST`), which show running queries.

use std::future::Future;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;

use crate::export_support as support;

const ROWS: i64 = 400_000;

/// A schema of its own with a `big` table; `None` (reason printed) when
/// PostgreSQL is unreachable and CI does not require it.
async fn pg_big(schema: &str) -> Option<tokio_postgres::Client> {
    let (client, conn) = wasmdash_tests::connect_or_skip(
        "PostgreSQL",
        tokio_postgres::connect(wasmdash_tests::POSTGRES_URL, tokio_postgres::NoTls),
    )
    .await?;
    tokio::spawn(conn);
    client
        .batch_execute(&format!(
            "CREATE SCHEMA {schema};
             CREATE TABLE {schema}.big (id bigint PRIMARY KEY, created_at timestamp NOT NULL,
               name text NOT NULL, category text NOT NULL, amount double precision NOT NULL,
               qty bigint NOT NULL);
             INSERT INTO {schema}.big
               SELECT g, timestamp '2025-01-01' + g * interval '1 second',
                      'customer ' || g || ' \"vip\", north', 'c' || (g % 5), g / 4.0, g % 997
               FROM generate_series(1, {ROWS}) g;"
        ))
        .await
        .unwrap();
    Some(client)
}

async fn running(client: &tokio_postgres::Client, needle: &str) -> i64 {
    client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
             AND pid <> pg_backend_pid() AND strpos(query, $1) > 0",
            &[&needle],
        )
        .await
        .unwrap()
        .get(0)
}

/// Start a server with the `more` config, begin downloading `dataset`
/// and hang up once `running` (statements of that query on the database)
/// shows it; the query must stop, and the server keep answering.
async fn hanging_up_stops_the_query<F, Fut>(more: &str, dataset: &str, running: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = i64>,
{
    let server = support::start_with(10, more).await;
    let w = server.world.clone();
    let addr = w.base.trim_start_matches("http://").to_owned();
    let token = w.token("viewer").to_owned();
    let path = format!("/api/v1/export?dataset={dataset}&format=csv");
    // Read the start of the download slowly, so the query is still running.
    let socket = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {token}\r\n\r\n"
        )
        .unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0);
        s
    })
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while running().await == 0 {
        assert!(
            Instant::now() < deadline,
            "the export query never showed up as running"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(socket);
    let deadline = Instant::now() + Duration::from_secs(10);
    while running().await > 0 {
        assert!(
            Instant::now() < deadline,
            "the query still runs 10 s after the client hung up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The server still answers.
    let base = w.base.clone();
    let token = w.token("viewer").to_owned();
    let d = tokio::task::spawn_blocking(move || {
        support::get(
            &format!("{base}/api/v1/export?dataset=tricky&format=csv"),
            Some(&token),
        )
    })
    .await
    .unwrap();
    assert_eq!((d.status, d.complete), (200, true));
}

#[tokio::test(flavor = "multi_thread")]
async fn hanging_up_cancels_the_postgres_query() {
    let schema = format!("wasmdash_export_cancel_{}", std::process::id());
    let Some(client) = pg_big(&schema).await else {
        return;
    };
    let more = format!(
        r#"
[[source]]
name = "pg"
url = "{}"
stream_timeout_ms = 600000

[[dataset]]
name = "pg_big"
source = "pg"
table = "{schema}.big"
time_column = "created_at"
columns = ["id", "created_at", "name", "category", "amount", "qty"]
"#,
        wasmdash_tests::POSTGRES_URL
    );
    // Identifiers are quoted in the SQL, so look for the bare schema name.
    hanging_up_stops_the_query(&more, "pg_big", || running(&client, &schema)).await;
    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
}

/// A database of its own with a `big` table; `None` (reason printed) when
/// MariaDB is unreachable and CI does not require it.
async fn mariadb_big(db: &str) -> Option<mysql_async::Pool> {
    let pool = mysql_async::Pool::new(wasmdash_tests::MARIADB_URL);
    let mut conn = wasmdash_tests::connect_or_skip("MariaDB", pool.get_conn()).await?;
    conn.query_drop(format!(
        "CREATE DATABASE {db} CHARACTER SET utf8mb4;
         CREATE TABLE {db}.big (id BIGINT PRIMARY KEY, created_at DATETIME NOT NULL,
           name VARCHAR(64) NOT NULL, category VARCHAR(8) NOT NULL, amount DOUBLE NOT NULL,
           qty BIGINT NOT NULL);
         INSERT INTO {db}.big
           SELECT seq, TIMESTAMP '2025-01-01 00:00:00' + INTERVAL seq SECOND,
                  CONCAT('customer ', seq, ' \"vip\", north'), CONCAT('c', seq % 5), seq / 4.0, seq % 997
           FROM {db}.seq_1_to_{ROWS};"
    ))
    .await
    .unwrap();
    Some(pool)
}

async fn running_on_mariadb(pool: &mysql_async::Pool, needle: &str) -> i64 {
    let mut conn = pool.get_conn().await.unwrap();
    let n: Option<i64> = conn
        .exec_first(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST \
             WHERE ID <> CONNECTION_ID() AND COMMAND IN ('Query', 'Execute') AND INSTR(INFO, ?) > 0",
            (needle,),
        )
        .await
        .unwrap();
    n.unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn hanging_up_kills_the_mariadb_query() {
    let db = format!("wasmdash_export_cancel_{}", std::process::id());
    let Some(pool) = mariadb_big(&db).await else {
        return;
    };
    let more = format!(
        r#"
[[source]]
name = "my"
url = "{}/{db}"
stream_timeout_ms = 600000

# A millisecond per row: left alone, the query would run for minutes.
[[dataset]]
name = "my_big"
source = "my"
query = "SELECT id, created_at, name, category, amount, qty FROM big WHERE SLEEP(0.001) = 0"
time_column = "created_at"
columns = ["id", "created_at", "name", "category", "amount", "qty"]
"#,
        wasmdash_tests::MARIADB_URL
    );
    hanging_up_stops_the_query(&more, "my_big", || {
        running_on_mariadb(&pool, "SLEEP(0.001)")
    })
    .await;
    let mut conn = pool.get_conn().await.unwrap();
    conn.query_drop(format!("DROP DATABASE {db}"))
        .await
        .unwrap();
    drop(conn);
    let _ = pool.disconnect().await;
}
