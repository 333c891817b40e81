//! A client that hangs up cancels the database query: checked on the
//! machine's PostgreSQL, whose `pg_stat_activity` shows running queries.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::export_support as support;

const ROWS: i64 = 400_000;

/// A schema of its own with a `big` table; `None` (reason printed) when
/// PostgreSQL is unreachable and CI does not require it.
async fn pg_big(schema: &str) -> Option<tokio_postgres::Client> {
    let connect = tokio_postgres::connect(wasmdash_tests::POSTGRES_URL, tokio_postgres::NoTls);
    let (client, conn) = match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(c)) => c,
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => "connect timed out".into(),
            };
            assert!(
                !wasmdash_tests::services_required(),
                "PostgreSQL is required: {why}"
            );
            eprintln!("skipping: PostgreSQL unreachable: {why}");
            return None;
        }
    };
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
    let server = support::start_with(10, &more).await;
    let w = server.world.clone();
    let addr = w.base.trim_start_matches("http://").to_owned();
    let token = w.token("viewer").to_owned();
    // Read the start of the download slowly, so the query is still running.
    let socket = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "GET /api/v1/export?dataset=pg_big&format=csv HTTP/1.1\r\nHost: {addr}\r\n\
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
    // Identifiers are quoted in the SQL, so look for the bare schema name.
    let needle = schema.clone();
    let deadline = Instant::now() + Duration::from_secs(10);
    while running(&client, &needle).await == 0 {
        assert!(
            Instant::now() < deadline,
            "the export query never showed up as running"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(socket);
    let deadline = Instant::now() + Duration::from_secs(10);
    while running(&client, &needle).await > 0 {
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
    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
}
