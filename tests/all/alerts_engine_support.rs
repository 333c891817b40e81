//! The world of the alert engine tests: a real SQLite file of readings, the
//! built-in plugins, a real state store with users, a loopback SMTP server,
//! and an [`AlertService`] whose clock (and the data engine's) the test
//! moves by hand.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use wasmdash::alerts::{AlertDraft, AlertService, AlertStore};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::{Clock, DataEngine};
use wasmdash::plugins::{PluginRegistry, PluginRuntime, PluginSettings};
use wasmdash::store::{Role, SledStore, Store, User};

/// A clock the test sets.
#[derive(Clone)]
pub(crate) struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub(crate) fn at(t: &str) -> Self {
        Self(Arc::new(Mutex::new(utc(t))))
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }

    pub(crate) fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap() = t;
    }

    pub(crate) fn advance(&self, d: Duration) {
        let t = self.now() + d;
        self.set(t);
    }

    pub(crate) fn clock(&self) -> Clock {
        let inner = self.0.clone();
        Arc::new(move || *inner.lock().unwrap())
    }
}

pub(crate) fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The `wasmdash.toml` of the tests; `smtp_port` is the loopback SMTP
/// server, `extra` is appended.
pub(crate) fn config_text(smtp_port: u16, extra: &str) -> String {
    format!(
        r#"
[server]
timezone = "Europe/Berlin"
data_dir = "state"

[alerts]
tick_seconds = 1
public_url = "http://dash.test"
retry_initial_seconds = 5
retry_max_seconds = 60
evaluation_timeout_ms = 5000

[smtp]
host = "127.0.0.1"
port = {smtp_port}
tls = "none"
from = "wasmdash <alerts@wasmdash.test>"
timeout_ms = 5000

[[source]]
name = "main"
url = "sqlite://readings.db"
query_timeout_ms = 20000

[[dataset]]
name = "readings"
source = "main"
table = "readings"
time_column = "ts"
columns = ["ts", "value"]

[[dataset]]
name = "slow_readings"
source = "main"
query = "SELECT ts, value FROM readings WHERE (SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000) SELECT x FROM c)) > 0"
time_column = "ts"
columns = ["ts", {{ name = "value", kind = "float64" }}]

[[metric]]
name = "reading"
label = "Reading"
dataset = "readings"
aggregate = "max"
column = "value"
cache_ttl_secs = 0

[[metric]]
name = "reading_sum"
label = "Reading sum"
dataset = "readings"
aggregate = "sum"
column = "value"
cache_ttl_secs = 0

[[metric]]
name = "slow_reading"
dataset = "slow_readings"
aggregate = "max"
column = "value"
cache_ttl_secs = 0
{extra}
"#
    )
}

/// An empty `readings` table in `dir`.
pub(crate) fn create_db(dir: &Path) -> PathBuf {
    let path = dir.join("readings.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE readings (ts TEXT NOT NULL, value REAL NOT NULL);")
        .unwrap();
    path
}

/// Replace every reading by one of `value`, a minute before `now`.
pub(crate) fn set_reading(db: &Path, now: DateTime<Utc>, value: f64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let ts = (now - Duration::minutes(1))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    conn.execute("DELETE FROM readings", []).unwrap();
    conn.execute(
        "INSERT INTO readings (ts, value) VALUES (?1, ?2)",
        rusqlite::params![ts, value],
    )
    .unwrap();
}

/// Everything a test needs.
pub(crate) struct Rig {
    pub(crate) service: Arc<AlertService>,
    /// The data engine the service reads (to count SQL statements).
    pub(crate) data: Arc<DataEngine>,
    /// The state store (users, for role changes).
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: TestClock,
    pub(crate) db: PathBuf,
    pub(crate) admin: User,
    pub(crate) editor: User,
    pub(crate) editor2: User,
    pub(crate) viewer: User,
    pub(crate) dir: tempfile::TempDir,
}

impl Rig {
    /// A world at `now` whose mail goes to `smtp_port`.
    pub(crate) async fn new(now: &str, smtp_port: u16) -> Self {
        Self::with_env(now, smtp_port, &[]).await
    }

    /// Same, with `WASMDASH_*` overrides.
    pub(crate) async fn with_env(now: &str, smtp_port: u16, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        create_db(dir.path());
        Self::in_dir(dir, utc(now), smtp_port, env).await
    }

    /// A world in `dir`, which already holds `readings.db` (and maybe a
    /// state store from before); the config is written to
    /// `dir/wasmdash.toml` so a `wasmdash serve` process can use it too.
    pub(crate) async fn in_dir(
        dir: tempfile::TempDir,
        now: DateTime<Utc>,
        smtp_port: u16,
        env: &[(&str, &str)],
    ) -> Self {
        Self::in_dir_with(dir, now, smtp_port, env, "").await
    }

    /// A world at `now` whose config has `extra` appended (more datasets
    /// and metrics).
    pub(crate) async fn with_config_extra(now: &str, smtp_port: u16, extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        create_db(dir.path());
        Self::in_dir_with(dir, utc(now), smtp_port, &[], extra).await
    }

    /// A world at `now` whose plugins folder holds the components at
    /// `plugins` (fixture rules beside the built-in ones).
    pub(crate) async fn with_plugins(now: &str, smtp_port: u16, plugins: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        create_db(dir.path());
        let folder = dir.path().join("plugins");
        std::fs::create_dir(&folder).unwrap();
        for p in plugins {
            let file = Path::new(p).file_name().unwrap();
            std::fs::copy(p, folder.join(file)).unwrap();
        }
        Self::in_dir_with(dir, utc(now), smtp_port, &[], "").await
    }

    async fn in_dir_with(
        dir: tempfile::TempDir,
        now: DateTime<Utc>,
        smtp_port: u16,
        env: &[(&str, &str)],
        extra: &str,
    ) -> Self {
        let clock = TestClock::at(&now.to_rfc3339());
        let db = dir.path().join("readings.db");
        let text = config_text(smtp_port, extra);
        std::fs::write(dir.path().join("wasmdash.toml"), &text).unwrap();
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        let config = Config::parse(&text, &dir.path().join("wasmdash.toml"), env).unwrap();
        let data = DataEngine::connect(&config).await.unwrap();
        let data = Arc::new(data.with_clock(clock.clock()));
        let folder = dir.path().join("plugins");
        let settings = PluginSettings {
            dir: folder.is_dir().then_some(folder),
            ..PluginSettings::default()
        };
        let runtime = PluginRuntime::new(&settings, &wasmdash_tests::plugin_cache_dir()).unwrap();
        let plugins: Arc<PluginRegistry> =
            PluginRegistry::load_unwatched(runtime, &settings).unwrap();
        let sled = SledStore::open(&config.data_dir()).unwrap();
        let alert_store = AlertStore::new(sled.alert_trees().unwrap());
        let store: Arc<dyn Store> = Arc::new(sled);
        let auth = Auth::new(store.clone(), AuthConfig::default());
        let user = |name: &str, role| {
            auth.create_user(name, "correct horse battery", role, Utc::now())
                .unwrap()
        };
        let (admin, editor, editor2, viewer) = (
            user("admin", Role::Admin),
            user("editor", Role::Editor),
            user("editor2", Role::Editor),
            user("viewer", Role::Viewer),
        );
        let service = Arc::new(
            AlertService::new(alert_store, store.clone(), data.clone(), plugins, &config)
                .with_clock(clock.clock()),
        );
        Self {
            service,
            data,
            store,
            clock,
            db,
            admin,
            editor,
            editor2,
            viewer,
            dir,
        }
    }

    /// Drop the service (releasing the state store) and keep the folder.
    pub(crate) fn into_dir(self) -> tempfile::TempDir {
        self.dir
    }

    /// Set the metric `reading` to `value` (as of the clock's now).
    pub(crate) fn set_reading(&self, value: f64) {
        set_reading(&self.db, self.clock.now(), value);
    }
}

/// A threshold alert `reading > 5` every minute, mailing ops@example.com.
pub(crate) fn draft(name: &str) -> AlertDraft {
    serde_json::from_value(json!({
        "name": name,
        "metric": "reading",
        "rule": "threshold",
        "rule_config": {"op": ">", "value": 5.0},
        "range": "1h",
        "recipients": ["ops@example.com", "lead@example.com"],
        "schedule": {"every": {"minutes": 1}}
    }))
    .unwrap()
}
