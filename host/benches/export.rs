//! Run with: `cargo bench --workspace --bench export`
//!
//! Exports end to end over HTTP, against a `wasmdash serve` child process
//! (so its memory can be read from /proc), in one run on 1,000,000 rows ×
//! 6 columns:
//! - CSV through the plugin pipeline from PostgreSQL vs PostgreSQL's own
//!   `COPY (SELECT …) TO STDOUT WITH CSV` on the same table (target ≥ 0.5×
//!   COPY's throughput), and from SQLite;
//! - peak RSS (VmHWM) of the server after a 100k-row export and after a
//!   1M-row export (target ≤ 100 MB, not growing with the row count);
//! - a PDF of 10,000 rows and a PDF report of a dashboard of 5 charts
//!   (target ≤ 2 s each).
//!
//! PostgreSQL parts are skipped, with the reason printed, when it is down.

mod serve_process;

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::{SinkExt as _, StreamExt as _};
use serde_json::json;
use serve_process::memory_mib;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::store::{
    Dashboard, DashboardContent, Layout, Role, Sharing, SledStore, Store, Widget,
};

const ROWS: usize = 1_000_000;
const SMALL: usize = 100_000;
const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const COLUMNS: &str = "id, created_at, name, category, amount, qty";
/// Runs of each side of the PostgreSQL comparison.
const RUNS: usize = 3;

/// Row `i` as CSV (for loading), the same in both databases.
fn row(i: usize) -> (i64, String, String, &'static str, f64, i64) {
    let t = Utc::now() - chrono::Duration::days(90) + chrono::Duration::seconds(i as i64 * 7);
    (
        i as i64 + 1,
        t.format("%Y-%m-%d %H:%M:%S").to_string(),
        format!("customer {} \"vip\", north", i % 50_000),
        ["alpha", "beta", "gamma", "delta", "epsilon"][i % 5],
        (i % 100_000) as f64 / 100.0,
        (i % 997) as i64,
    )
}

fn sqlite_table(path: &Path) {
    let mut conn = rusqlite::Connection::open(path).expect("sqlite");
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE TABLE big (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, name TEXT NOT NULL,
           category TEXT NOT NULL, amount REAL NOT NULL, qty INTEGER NOT NULL);",
    )
    .expect("schema");
    let tx = conn.transaction().expect("tx");
    {
        let mut ins = tx
            .prepare("INSERT INTO big VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .expect("insert");
        for i in 0..ROWS {
            let (id, t, name, cat, amount, qty) = row(i);
            ins.execute(rusqlite::params![id, t, name, cat, amount, qty])
                .expect("row");
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("CREATE INDEX big_created_at ON big(created_at)")
        .expect("index");
}

/// Load the table into a fresh PostgreSQL schema; `None` (reason printed)
/// when PostgreSQL is not reachable.
async fn postgres_table(schema: &str) -> Option<tokio_postgres::Client> {
    let (client, conn) = match tokio::time::timeout(
        Duration::from_secs(5),
        tokio_postgres::connect(PG_URL, tokio_postgres::NoTls),
    )
    .await
    {
        Ok(Ok(c)) => c,
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => "connect timed out".into(),
            };
            println!("PostgreSQL parts skipped: {PG_URL} unreachable: {why}");
            return None;
        }
    };
    tokio::spawn(conn);
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
             CREATE TABLE {schema}.big (id bigint PRIMARY KEY, created_at timestamp NOT NULL,
               name text NOT NULL, category text NOT NULL, amount double precision NOT NULL,
               qty bigint NOT NULL);"
        ))
        .await
        .expect("pg schema");
    let sink = client
        .copy_in(&format!("COPY {schema}.big FROM STDIN WITH CSV"))
        .await
        .expect("copy in");
    futures::pin_mut!(sink);
    let mut buf = String::new();
    for i in 0..ROWS {
        let (id, t, name, cat, amount, qty) = row(i);
        buf.push_str(&format!(
            "{id},{t},\"{}\",{cat},{amount},{qty}\n",
            name.replace('"', "\"\"")
        ));
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
    client
        .batch_execute(&format!("ANALYZE {schema}.big"))
        .await
        .expect("analyze");
    Some(client)
}

fn config_text(pg_schema: Option<&str>) -> String {
    let mut text = String::from(
        r#"
[server]
timezone = "UTC"

[[source]]
name = "lite"
url = "sqlite://big.db"
stream_timeout_ms = 600000

[[dataset]]
name = "big_lite"
source = "lite"
table = "big"
time_column = "created_at"
columns = ["id", "created_at", "name", "category", "amount", "qty"]

[[metric]]
name = "rows"
dataset = "big_lite"
aggregate = "count"
dimensions = ["category"]

[[metric]]
name = "amount"
dataset = "big_lite"
aggregate = "sum"
column = "amount"
dimensions = ["category"]
"#,
    );
    if let Some(schema) = pg_schema {
        text.push_str(&format!(
            r#"
[[source]]
name = "pg"
url = "{PG_URL}"
stream_timeout_ms = 600000

[[dataset]]
name = "big_pg"
source = "pg"
table = "{schema}.big"
time_column = "created_at"
columns = ["id", "created_at", "name", "category", "amount", "qty"]
"#
        ));
    }
    text
}

fn chart(id: &str, plugin: &str, config: serde_json::Value, x: u32, y: u32) -> Widget {
    Widget {
        id: id.into(),
        plugin: plugin.into(),
        title: format!("Chart {id}"),
        config,
        x,
        y,
        w: 6,
        h: 3,
        tab: 0,
    }
}

/// A bench user's token and a dashboard of 5 charts.
fn seed(config: &Config) -> (String, String) {
    let now = Utc::now();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).expect("store"));
    let auth = Auth::new(store.clone(), AuthConfig::default());
    let user = auth
        .create_user("bench", "bench password", Role::Admin, now)
        .expect("user");
    let token = auth
        .create_api_token(&user.id, "bench", now)
        .expect("token")
        .plaintext;
    let content = DashboardContent {
        title: "Five charts".into(),
        layout: Layout::Grid,
        widgets: vec![
            chart(
                "a",
                "trend-chart",
                json!({"metric": "rows", "bucket": "day"}),
                0,
                0,
            ),
            chart(
                "b",
                "trend-chart",
                json!({"metric": "amount", "compare_previous": true}),
                6,
                0,
            ),
            chart(
                "c",
                "bar-chart",
                json!({"metric": "rows", "dimension": "category"}),
                0,
                3,
            ),
            chart(
                "d",
                "status-pie",
                json!({"metric": "amount", "dimension": "category"}),
                6,
                3,
            ),
            chart("e", "metric-card", json!({"metric": "amount"}), 0, 6),
        ],
    };
    let mut d = Dashboard::new(user.id.clone(), content, now).expect("dashboard");
    d.sharing = Sharing::Private;
    store.insert_dashboard(&d).expect("insert");
    (token, d.id.as_str().to_owned())
}

/// Download `path`, counting bytes and lines; (seconds, bytes, lines).
fn download(base: &str, token: &str, path: &str) -> (f64, u64, u64) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let start = Instant::now();
    let mut resp = agent
        .get(format!("{base}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200, "{path}");
    let mut reader = resp.body_mut().with_config().limit(u64::MAX).reader();
    let mut buf = vec![0u8; 1 << 16];
    let (mut bytes, mut lines) = (0u64, 0u64);
    loop {
        let n = reader.read(&mut buf).expect("read body");
        if n == 0 {
            break;
        }
        bytes += n as u64;
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
    }
    (start.elapsed().as_secs_f64(), bytes, lines)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn mb_s(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    eprintln!("loading {ROWS} rows into SQLite…");
    sqlite_table(&dir.path().join("big.db"));
    let schema = format!("wasmdash_bench_export_{}", std::process::id());
    eprintln!("loading {ROWS} rows into PostgreSQL…");
    let pg = runtime.block_on(postgres_table(&schema));
    std::fs::write(
        dir.path().join("wasmdash.toml"),
        config_text(pg.as_ref().map(|_| schema.as_str())),
    )
    .expect("config");
    let config = Config::load(&dir.path().join("wasmdash.toml")).expect("config loads");
    let (token, dashboard) = seed(&config);
    // A server finds its plugins compiled from its last start; only the
    // very first start (per plugin version) compiles them. Compile them
    // beforehand, so the memory figures are those of every later start.
    let (_, plugin_cache) = config.plugin_settings();
    let compiled = Command::new(env!("CARGO_BIN_EXE_wasmdash"))
        .args(["plugins", "list", "--cache-dir"])
        .arg(&plugin_cache)
        .stdout(Stdio::null())
        .status()
        .expect("run wasmdash plugins list");
    assert!(compiled.success(), "wasmdash plugins list failed");
    let server = serve_process::start(
        &dir.path().join("wasmdash.toml"),
        &[("WASMDASH_SERVER__LISTEN".into(), "127.0.0.1:0".into())],
    );
    let pid = server.child.id();
    let (hwm0, _) = memory_mib(pid);
    println!("export benchmark: {ROWS} rows × 6 columns, HTTP against a `wasmdash serve` child");
    println!("server after start (plugins already compiled): peak RSS {hwm0:.1} MiB");

    // Warm-up: compiles nothing new, fills the page cache.
    download(
        &server.base,
        &token,
        "/api/v1/export?dataset=big_lite&format=csv&filter=id:le:1000",
    );

    let small = format!("/api/v1/export?dataset=big_lite&format=csv&filter=id:le:{SMALL}");
    let (s, b, l) = download(&server.base, &token, &small);
    let (hwm_small, rss_small) = memory_mib(pid);
    println!(
        "SQLite → CSV, {SMALL} rows: {s:.2} s, {:.1} MB, {l} lines, {:.1} MB/s; server peak RSS {hwm_small:.1} MiB (now {rss_small:.1})",
        b as f64 / 1e6,
        mb_s(b, s)
    );
    let (s_lite, b_lite, l) = download(
        &server.base,
        &token,
        "/api/v1/export?dataset=big_lite&format=csv",
    );
    let (hwm_big, rss_big) = memory_mib(pid);
    println!(
        "SQLite → CSV, {ROWS} rows: {s_lite:.2} s, {:.1} MB, {l} lines, {:.1} MB/s, {:.0} rows/s; server peak RSS {hwm_big:.1} MiB (now {rss_big:.1})",
        b_lite as f64 / 1e6,
        mb_s(b_lite, s_lite),
        ROWS as f64 / s_lite
    );
    println!(
        "peak RSS growth 100k → 1M rows: {:+.1} MiB (target: ≤ 100 MB total, flat)",
        hwm_big - hwm_small
    );

    if let Some(client) = &pg {
        // The two compete for the same 2 cores with the PostgreSQL server,
        // so each runs RUNS times, alternating, and the medians are compared.
        let copy_out = || {
            runtime.block_on(async {
                let start = Instant::now();
                let stream = client
                    .copy_out(&format!(
                        "COPY (SELECT {COLUMNS} FROM {schema}.big) TO STDOUT WITH CSV HEADER"
                    ))
                    .await
                    .expect("copy out");
                futures::pin_mut!(stream);
                let mut bytes = 0u64;
                while let Some(chunk) = stream.next().await {
                    bytes += chunk.expect("copy chunk").len() as u64;
                }
                (start.elapsed().as_secs_f64(), bytes)
            })
        };
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let (mut b_pg, mut b_copy, mut l_pg) = (0, 0, 0);
        for _ in 0..RUNS {
            let (s, b, l) = download(
                &server.base,
                &token,
                "/api/v1/export?dataset=big_pg&format=csv",
            );
            ours.push(s);
            (b_pg, l_pg) = (b, l);
            let (s, b) = copy_out();
            theirs.push(s);
            b_copy = b;
        }
        let (s_pg, s_copy) = (median(&mut ours), median(&mut theirs));
        let (hwm_pg, _) = memory_mib(pid);
        println!(
            "PostgreSQL → plugin CSV over HTTP (median of {RUNS}): {s_pg:.2} s, {:.1} MB, {l_pg} lines, {:.1} MB/s, {:.0} rows/s; server peak RSS {hwm_pg:.1} MiB",
            b_pg as f64 / 1e6,
            mb_s(b_pg, s_pg),
            ROWS as f64 / s_pg
        );
        println!(
            "PostgreSQL COPY … TO STDOUT WITH CSV (median of {RUNS}): {s_copy:.2} s, {:.1} MB, {:.1} MB/s, {:.0} rows/s",
            b_copy as f64 / 1e6,
            mb_s(b_copy, s_copy),
            ROWS as f64 / s_copy
        );
        println!(
            "ratio plugin/COPY (rows per second): {:.2}× (target ≥ 0.5×); SQLite/PostgreSQL pipeline: {:.2}×",
            s_copy / s_pg,
            s_pg / s_lite
        );
        runtime.block_on(async {
            let _ = client
                .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
                .await;
        });
    }

    let (s, b, _) = download(
        &server.base,
        &token,
        "/api/v1/export?dataset=big_lite&format=pdf&filter=id:le:10000",
    );
    println!(
        "PDF of 10,000 rows: {s:.2} s, {:.1} MB (target ≤ 2 s)",
        b as f64 / 1e6
    );
    let (s, b, _) = download(
        &server.base,
        &token,
        &format!("/api/v1/dashboards/{dashboard}/export?format=pdf&range=90d"),
    );
    println!(
        "PDF report of a dashboard of 5 charts: {s:.2} s, {:.0} KB (target ≤ 2 s)",
        b as f64 / 1e3
    );
    let (hwm_end, _) = memory_mib(pid);
    println!("server peak RSS at the end: {hwm_end:.1} MiB");
}
