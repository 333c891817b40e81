//! Helpers shared by the range and dashboard benches: the demo data in
//! all three databases, a `wasmdash serve` child process, an API token,
//! timing and memory.

#![allow(
    dead_code,
    reason = "each bench binary uses a different part of these helpers"
)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::store::{Role, SledStore, Store};

pub const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
pub const MY_URL: &str = "mysql://root@127.0.0.1:3306/test";

/// "Now" of the demo data: fixed, so the rows (and the copies kept in
/// PostgreSQL and MariaDB between runs) are the same on every run.
pub fn demo_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .expect("fixed time")
        .with_timezone(&Utc)
}

/// The median of `samples`.
pub fn p50(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// RFC 3339, for `from`/`to`.
pub fn rfc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A running `wasmdash serve`; killed on drop.
pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Start `wasmdash serve --config <config>` and wait for its listening
    /// line.
    pub fn start(config: &Path, rust_log: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wasmdash"))
            .args(["serve", "--config"])
            .arg(config)
            .env("WASMDASH_SERVER__LISTEN", "127.0.0.1:0")
            .env("RUST_LOG", rust_log)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start wasmdash serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the listening line");
        let base = line
            .trim()
            .rsplit(' ')
            .next()
            .expect("wasmdash is listening on http://…")
            .to_owned();
        Self { child, base }
    }

    /// Peak (VmHWM) and current (VmRSS) resident memory, MiB.
    pub fn memory_mib(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
                .map_or(f64::NAN, |kib| kib / 1024.0)
        };
        (field("VmHWM:"), field("VmRSS:"))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An API token of a new viewer `bench` (before the server starts: the
/// state store allows one process).
pub fn token(config: &Config) -> String {
    let now = Utc::now();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).expect("store"));
    let auth = Auth::new(store, AuthConfig::default());
    let user = auth
        .create_user("bench", "bench password", Role::Viewer, now)
        .expect("user");
    auth.create_api_token(&user.id, "bench", now)
        .expect("token")
        .plaintext
}

/// GET `url` with the token; the time to the whole body. Panics on a
/// status other than 200.
pub fn get(agent: &ureq::Agent, url: &str, token: &str) -> Duration {
    let t = Instant::now();
    let mut resp = agent
        .get(url)
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("request");
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().expect("body");
    assert_eq!(status, 200, "{url}: {body}");
    t.elapsed()
}

/// An HTTP agent that reports statuses instead of failing on them.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// Rows of the demo `orders` table, in CSV for `COPY`/`LOAD DATA`.
fn demo_rows(db: &Path) -> Vec<[String; 8]> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open demo db");
    let mut stmt = conn
        .prepare("SELECT id, created_at, status, region, customer_id, product, amount, completion_seconds FROM orders")
        .expect("prepare");
    stmt.query_map([], |r| {
        let text = |i: usize| -> rusqlite::Result<String> {
            Ok(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => String::new(),
                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                rusqlite::types::ValueRef::Real(f) => f.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                rusqlite::types::ValueRef::Blob(_) => String::new(),
            })
        };
        Ok([
            text(0)?,
            text(1)?,
            text(2)?,
            text(3)?,
            text(4)?,
            text(5)?,
            text(6)?,
            text(7)?,
        ])
    })
    .expect("query")
    .map(|r| r.expect("row"))
    .collect()
}

/// Connect to PostgreSQL, or say why not (and return `None`).
pub async fn postgres() -> Option<tokio_postgres::Client> {
    match tokio::time::timeout(
        Duration::from_secs(5),
        tokio_postgres::connect(PG_URL, tokio_postgres::NoTls),
    )
    .await
    {
        Ok(Ok((client, conn))) => {
            tokio::spawn(conn);
            Some(client)
        }
        Ok(Err(e)) => {
            println!("PostgreSQL parts skipped: {PG_URL} unreachable: {e}");
            None
        }
        Err(_) => {
            println!("PostgreSQL parts skipped: {PG_URL}: connect timed out");
            None
        }
    }
}

/// Connect to MariaDB, or say why not (and return `None`).
pub async fn mariadb() -> Option<mysql_async::Conn> {
    match tokio::time::timeout(Duration::from_secs(5), mysql_async::Conn::from_url(MY_URL)).await {
        Ok(Ok(c)) => Some(c),
        Ok(Err(e)) => {
            println!("MariaDB parts skipped: {MY_URL} unreachable: {e}");
            None
        }
        Err(_) => {
            println!("MariaDB parts skipped: {MY_URL}: connect timed out");
            None
        }
    }
}

/// A marker telling which demo rows a copy holds.
fn marker(rows: usize) -> String {
    format!("demo {rows} rows, now {}", rfc(demo_now()))
}

/// Copy the demo `orders` of `db` into PostgreSQL `schema.orders`, unless
/// the copy there is already of the same rows.
pub async fn postgres_orders(
    client: &tokio_postgres::Client,
    schema: &str,
    db: &Path,
    rows: usize,
) {
    let mark = marker(rows);
    let have: Option<String> = client
        .query_opt(&format!("SELECT note FROM {schema}.marker"), &[])
        .await
        .ok()
        .flatten()
        .map(|r| r.get(0));
    if have.as_deref() == Some(mark.as_str()) {
        return;
    }
    eprintln!("copying the demo orders into PostgreSQL {schema}.orders…");
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
             CREATE TABLE {schema}.orders (id bigint PRIMARY KEY, created_at timestamp NOT NULL,
               status text NOT NULL, region text NOT NULL, customer_id bigint NOT NULL,
               product text NOT NULL, amount double precision NOT NULL, completion_seconds bigint);
             CREATE TABLE {schema}.marker (note text);"
        ))
        .await
        .expect("pg schema");
    let sink = client
        .copy_in(&format!("COPY {schema}.orders FROM STDIN WITH CSV"))
        .await
        .expect("copy in");
    futures::pin_mut!(sink);
    let mut buf = String::new();
    for r in demo_rows(db) {
        buf.push_str(&format!(
            "{},{},{},{},{},\"{}\",{},{}\n",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]
        ));
        if buf.len() > 1 << 20 {
            futures::SinkExt::send(&mut sink, bytes::Bytes::from(std::mem::take(&mut buf)))
                .await
                .expect("copy chunk");
        }
    }
    futures::SinkExt::send(&mut sink, bytes::Bytes::from(buf))
        .await
        .expect("copy chunk");
    sink.finish().await.expect("copy finish");
    client
        .batch_execute(&format!(
            "CREATE INDEX ON {schema}.orders(created_at); ANALYZE {schema}.orders;
             INSERT INTO {schema}.marker VALUES ('{mark}');"
        ))
        .await
        .expect("pg index");
}

/// Copy the demo `orders` of `db` into MariaDB `database.orders`, unless
/// the copy there is already of the same rows.
pub async fn mariadb_orders(conn: &mut mysql_async::Conn, database: &str, db: &Path, rows: usize) {
    use mysql_async::prelude::Queryable;
    let mark = marker(rows);
    let have: Option<String> = conn
        .query_first(format!("SELECT note FROM {database}.marker"))
        .await
        .ok()
        .flatten();
    if have.as_deref() == Some(mark.as_str()) {
        return;
    }
    eprintln!("copying the demo orders into MariaDB {database}.orders…");
    conn.query_drop(format!(
        "DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database};
         CREATE TABLE {database}.orders (id BIGINT PRIMARY KEY, created_at DATETIME NOT NULL,
           status VARCHAR(32) NOT NULL, region VARCHAR(32) NOT NULL, customer_id BIGINT NOT NULL,
           product VARCHAR(64) NOT NULL, amount DOUBLE NOT NULL, completion_seconds BIGINT);
         CREATE TABLE {database}.marker (note TEXT);"
    ))
    .await
    .expect("mariadb schema");
    for chunk in demo_rows(db).chunks(5_000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|r| {
                let completion = if r[7].is_empty() { "NULL" } else { &r[7] };
                format!(
                    "({},'{}','{}','{}',{},'{}',{},{completion})",
                    r[0], r[1], r[2], r[3], r[4], r[5], r[6]
                )
            })
            .collect();
        conn.query_drop(format!(
            "INSERT INTO {database}.orders VALUES {}",
            values.join(",")
        ))
        .await
        .expect("mariadb insert");
    }
    conn.query_drop(format!(
        "CREATE INDEX orders_created_at ON {database}.orders(created_at);
         ANALYZE TABLE {database}.orders;
         INSERT INTO {database}.marker VALUES ('{mark}');"
    ))
    .await
    .expect("mariadb index");
}
