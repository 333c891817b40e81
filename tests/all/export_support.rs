//! A real server for the export tests: the `orders` SQLite file plus a
//! `tricky` table (quotes, commas, line breaks, unicode, nulls, every
//! formula prefix) and a `big` table, users, dashboards (one with a widget
//! of each data shape), and a watched drop-in plugins folder.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use serde_json::json;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::store::{
    Dashboard, DashboardContent, Layout, Role, Sharing, SledStore, Store, User, Widget,
};

use crate::data_support as data;
use crate::server_support::{self, Tokens};

/// Password of every seeded user.
pub(crate) const PASSWORD: &str = "correct horse battery";

/// Texts of the `tricky` table, row `i` holds `TEXTS[i % len]` (and null
/// every fifth row).
pub(crate) const TEXTS: &[&str] = &[
    "plain",
    "comma, inside",
    "quote \" inside \"\"twice\"\"",
    "line\nbreak and\r\nCRLF",
    "ünïcødé ✓ 日本語 🚀",
    "=SUM(A1:A2)",
    "+49 30 1234",
    "-2+3",
    "@cmd",
    "\tTab start",
    "\rCR start",
    " leading space",
    "trailing;semi;",
];

/// Rows of the `tricky` table.
pub(crate) const TRICKY_ROWS: usize = 40;

/// Seconds between the `tricky` rows (they start 2 days before [`data::NOW`]
/// of the data tests; the server's clock is real, so exports name ranges
/// far enough back, or none).
pub(crate) const TRICKY_STEP_S: i64 = 3_600;

/// One `tricky` row as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrickyRow {
    pub(crate) id: i64,
    pub(crate) created_at: String,
    pub(crate) note: Option<String>,
    pub(crate) amount: Option<f64>,
    pub(crate) qty: i64,
}

/// The `tricky` rows, the same every run.
pub(crate) fn tricky_rows() -> Vec<TrickyRow> {
    let start = data::now() - chrono::Duration::days(2);
    (0..TRICKY_ROWS)
        .map(|i| TrickyRow {
            id: i as i64 + 1,
            created_at: (start + chrono::Duration::seconds(i as i64 * TRICKY_STEP_S))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            note: (i % 5 != 4).then(|| TEXTS[i % TEXTS.len()].to_owned()),
            amount: (i % 7 != 6).then_some(i as f64 * 1.25 - 3.5),
            qty: i as i64 * 1_000_000_007,
        })
        .collect()
}

/// Add `tricky` and `big` (`big_rows` generated rows, 6 columns) to the
/// SQLite file at `db`.
pub(crate) fn add_tables(db: &Path, big_rows: usize) {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "CREATE TABLE tricky (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, note TEXT,
           amount REAL, qty INTEGER NOT NULL);
         CREATE TABLE big (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, name TEXT NOT NULL,
           category TEXT NOT NULL, amount REAL NOT NULL, qty INTEGER NOT NULL);",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut ins = tx
            .prepare("INSERT INTO tricky VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        for r in tricky_rows() {
            ins.execute(rusqlite::params![
                r.id,
                r.created_at,
                r.note,
                r.amount,
                r.qty
            ])
            .unwrap();
        }
        let mut ins = tx
            .prepare("INSERT INTO big VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .unwrap();
        let start = data::now() - chrono::Duration::days(60);
        for i in 0..big_rows {
            let t = start + chrono::Duration::seconds(i as i64 * 7);
            ins.execute(rusqlite::params![
                i as i64 + 1,
                t.format("%Y-%m-%d %H:%M:%S").to_string(),
                format!("customer {i} \"quoted\", with comma"),
                ["alpha", "beta", "gamma", "delta"][i % 4],
                i as f64 / 4.0,
                (i % 1000) as i64
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// TOML for the extra datasets (`tricky`, `big`, and `big_slow` on a source
/// whose streams time out after 1 ms, to provoke a failure mid-stream).
pub(crate) const EXTRA: &str = r#"
[[source]]
name = "slow"
url = "sqlite://orders.db"
stream_timeout_ms = 1

[[dataset]]
name = "tricky"
label = "Tricky values"
source = "main"
table = "tricky"
time_column = "created_at"
columns = ["id", "created_at", "note", "amount", "qty"]

[[dataset]]
name = "big"
label = "Big table"
source = "main"
table = "big"
time_column = "created_at"
columns = ["id", "created_at", "name", "category", "amount", "qty"]

[[dataset]]
name = "big_slow"
label = "Big table (slow source)"
source = "slow"
table = "big"
time_column = "created_at"
columns = ["id", "created_at", "name", "category", "amount", "qty"]
"#;

/// Write the test data into `dir` and return the config text (also saved
/// as `dir/wasmdash.toml`) and the environment overrides to use with it.
pub(crate) fn prepare(dir: &Path, big_rows: usize) -> (String, Vec<(String, String)>) {
    prepare_with(dir, big_rows, "")
}

/// [`prepare`] with more TOML (sources, datasets) appended.
pub(crate) fn prepare_with(
    dir: &Path,
    big_rows: usize,
    more: &str,
) -> (String, Vec<(String, String)>) {
    let db = data::sqlite_db(dir, &data::orders(2_000));
    add_tables(&db, big_rows);
    std::fs::create_dir_all(dir.join("plugins")).unwrap();
    let text = data::config_text("sqlite://orders.db", "orders", &format!("{EXTRA}{more}"));
    std::fs::write(dir.join("wasmdash.toml"), &text).unwrap();
    let env = vec![
        (
            "WASMDASH_SERVER__LISTEN".to_string(),
            "127.0.0.1:0".to_string(),
        ),
        ("WASMDASH_SERVER__DATA_DIR".to_string(), "state".to_string()),
        ("WASMDASH_PLUGINS__DIR".to_string(), "plugins".to_string()),
        (
            "WASMDASH_PLUGINS__CACHE_DIR".to_string(),
            wasmdash_tests::plugin_cache_dir().display().to_string(),
        ),
    ];
    (text, env)
}

/// The seeded world of an export server.
#[derive(Debug, Clone)]
pub(crate) struct World {
    pub(crate) base: String,
    /// Owned by `editor`, private.
    pub(crate) private: String,
    /// Owned by `editor`, read-only for viewers and up; one widget of each
    /// data shape.
    pub(crate) report: String,
    /// Bearer tokens by user name.
    pub(crate) tokens: Tokens,
    /// The drop-in plugins folder the server watches.
    pub(crate) plugins_dir: PathBuf,
}

impl World {
    /// The bearer token of `user`.
    pub(crate) fn token(&self, user: &str) -> &str {
        self.tokens.of(user)
    }
}

/// A running server over the seeded world.
pub(crate) type Running = server_support::Running<World>;

fn widget(
    id: &str,
    plugin: &str,
    title: &str,
    config: serde_json::Value,
    x: u32,
    y: u32,
) -> Widget {
    Widget {
        id: id.into(),
        plugin: plugin.into(),
        title: title.into(),
        config,
        x,
        y,
        w: 6,
        h: 3,
        tab: 0,
    }
}

/// One widget of each data shape (and the pie), out of layout order.
pub(crate) fn report_widgets() -> Vec<Widget> {
    vec![
        widget(
            "table",
            "data-table",
            "Tricky table",
            json!({ "dataset": "tricky", "columns": ["id", "note"], "order_by": "id" }),
            0,
            9,
        ),
        widget(
            "card",
            "metric-card",
            "Total orders",
            json!({ "metric": "total_orders" }),
            0,
            0,
        ),
        widget(
            "trend",
            "trend-chart",
            "Revenue trend",
            json!({ "metric": "revenue", "bucket": "day", "compare_previous": true }),
            6,
            0,
        ),
        widget(
            "bars",
            "bar-chart",
            "Orders by region",
            json!({ "metric": "total_orders", "dimension": "region" }),
            0,
            3,
        ),
        widget(
            "pie",
            "status-pie",
            "Orders by status",
            json!({ "metric": "total_orders", "dimension": "status" }),
            6,
            3,
        ),
    ]
}

fn dashboard(store: &dyn Store, owner: &User, title: &str, sharing: Sharing) -> String {
    let content = DashboardContent {
        title: title.into(),
        layout: Layout::Grid,
        widgets: report_widgets(),
    };
    let mut d = Dashboard::new(owner.id.clone(), content, Utc::now()).unwrap();
    d.sharing = sharing;
    store.insert_dashboard(&d).unwrap();
    d.id.as_str().to_owned()
}

/// Seed users admin, editor, editor2, viewer and two dashboards into the
/// state store of `config`; returns (private, report, tokens).
pub(crate) fn seed(config: &Config) -> (String, String, Vec<(String, String)>) {
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
    let auth = Auth::new(store.clone(), AuthConfig::default());
    let now = Utc::now();
    let mut users = Vec::new();
    let mut tokens = Vec::new();
    for (name, role) in [
        ("admin", Role::Admin),
        ("editor", Role::Editor),
        ("editor2", Role::Editor),
        ("viewer", Role::Viewer),
    ] {
        let user = auth.create_user(name, PASSWORD, role, now).unwrap();
        let token = auth.create_api_token(&user.id, "tests", now).unwrap();
        tokens.push((name.to_owned(), token.plaintext));
        users.push(user);
    }
    let editor = &users[1];
    let private = dashboard(&*store, editor, "Private report", Sharing::Private);
    let report = dashboard(
        &*store,
        editor,
        "Sales & Ops \"Q1\"",
        Sharing::ReadOnly { role: Role::Viewer },
    );
    (private, report, tokens)
}

/// Start a server over fresh test data with `big_rows` rows in `big`.
pub(crate) async fn start(big_rows: usize) -> Running {
    start_with(big_rows, "").await
}

/// [`start`] with more TOML (sources, datasets) in the config.
pub(crate) async fn start_with(big_rows: usize, more: &str) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let (text, env) = prepare_with(dir.path(), big_rows, more);
    let config = Config::parse(&text, &dir.path().join("wasmdash.toml"), env).unwrap();
    let (private, report, tokens) = seed(&config);
    let plugins_dir = dir.path().join("plugins");
    Running::start(&config, dir, |base| World {
        base,
        private,
        report,
        tokens: Tokens(tokens),
        plugins_dir,
    })
    .await
}

/// A download: status, headers we check, the bytes received, and whether
/// the transfer ended cleanly.
#[derive(Debug)]
pub(crate) struct Download {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) disposition: String,
    pub(crate) body: Vec<u8>,
    pub(crate) complete: bool,
}

impl Download {
    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// GET `url` with a bearer token (or none), keeping what arrived even when
/// the transfer is cut.
pub(crate) fn get(url: &str, token: Option<&str>) -> Download {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut req = agent.get(url);
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let mut resp = req.call().unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let status = resp.status().as_u16();
    let mut body = Vec::new();
    let complete = resp
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .reader()
        .read_to_end(&mut body)
        .is_ok();
    Download {
        status,
        content_type,
        disposition,
        body,
        complete,
    }
}

/// Percent-encode a query value.
pub(crate) fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
