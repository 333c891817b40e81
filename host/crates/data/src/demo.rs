//! The demo database: a realistic SQLite file with a million orders over
//! two years, plus customers and products, and a config to serve it.
//!
//! Generated once, in one transaction through a prepared statement, into a
//! temporary file renamed into place at the end, so an interrupted run
//! never leaves half a database. Timestamps are ISO-8601 text in UTC
//! (`YYYY-MM-DD HH:MM:SS`), which SQLite compares correctly as text.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Timelike, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The database file inside the demo folder.
pub const DEMO_DB: &str = "demo.db";
/// The config file inside the demo folder.
pub const DEMO_CONFIG: &str = "wasmdash.toml";

/// Why the demo could not be created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// SQLite failed while generating.
    #[error("generating {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Orders to generate.
    pub orders: usize,
    /// The newest order is just before this.
    pub now: DateTime<Utc>,
    /// Seed, so a demo can be reproduced.
    pub seed: u64,
    /// Print progress to stderr.
    pub progress: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            orders: 1_000_000,
            now: Utc::now(),
            seed: 42,
            progress: true,
        }
    }
}

const REGIONS: [(&str, f64); 5] = [
    ("eu", 0.35),
    ("us", 0.30),
    ("apac", 0.20),
    ("latam", 0.10),
    ("africa", 0.05),
];
const PRODUCTS: [(&str, f64); 8] = [
    ("Starter plan", 19.0),
    ("Team plan", 79.0),
    ("Business plan", 249.0),
    ("Enterprise plan", 990.0),
    ("Data add-on", 35.0),
    ("Support pack", 120.0),
    ("Training", 450.0),
    ("Consulting day", 1_200.0),
];
const CUSTOMERS: i64 = 20_000;

/// Create `<dir>/demo.db` and `<dir>/wasmdash.toml` unless they exist.
/// Returns the config path.
pub fn create(dir: &Path, listen: &str, opts: &DemoOptions) -> Result<PathBuf, DemoError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DemoError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let db = dir.join(DEMO_DB);
    if !db.exists() {
        let tmp = dir.join(format!("{DEMO_DB}.tmp-{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        generate(&tmp, opts).map_err(|source| DemoError::Sqlite {
            path: db.clone(),
            source,
        })?;
        std::fs::rename(&tmp, &db).map_err(io(&db))?;
    }
    let config = dir.join(DEMO_CONFIG);
    if !config.exists() {
        let tmp = dir.join(format!("{DEMO_CONFIG}.tmp"));
        std::fs::write(&tmp, demo_config(listen)).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &config).map_err(io(&config))?;
    }
    Ok(config)
}

fn pick<'a>(rng: &mut SmallRng, items: &'a [(&'a str, f64)]) -> &'a str {
    let mut u: f64 = rng.random();
    for (name, share) in items {
        if u < *share {
            return name;
        }
        u -= share;
    }
    items[0].0
}

fn generate(path: &Path, opts: &DemoOptions) -> rusqlite::Result<()> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL,
           signed_up_at TEXT NOT NULL);
         CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL);
         CREATE TABLE orders (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL,
           region TEXT NOT NULL, customer_id INTEGER NOT NULL, product TEXT NOT NULL,
           amount REAL NOT NULL, completion_seconds INTEGER);",
    )?;
    let mut rng = SmallRng::seed_from_u64(opts.seed);
    let span = Duration::days(730);
    let start = opts.now - span;
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let tx = conn.transaction()?;
    {
        let mut ins = tx.prepare("INSERT INTO products VALUES (?1, ?2, ?3)")?;
        for (i, (name, price)) in PRODUCTS.iter().enumerate() {
            ins.execute(rusqlite::params![i as i64 + 1, name, price])?;
        }
        let mut ins = tx.prepare("INSERT INTO customers VALUES (?1, ?2, ?3, ?4)")?;
        for id in 1..=CUSTOMERS {
            let t = start + Duration::seconds(rng.random_range(0..span.num_seconds()));
            ins.execute(rusqlite::params![
                id,
                format!("Customer {id}"),
                pick(&mut rng, &REGIONS),
                fmt(t)
            ])?;
        }
        // Growth: density rises over the two years (t ~ sqrt(u)); hours of
        // the working day are busier (rejection sampling).
        let mut times: Vec<i64> = Vec::with_capacity(opts.orders);
        let secs = span.num_seconds() as f64;
        while times.len() < opts.orders {
            let offset = (rng.random::<f64>().sqrt() * secs) as i64;
            let t = start + Duration::seconds(offset);
            let busy = matches!(t.hour(), 8..=20);
            if busy || rng.random::<f64>() < 0.45 {
                times.push(offset);
            }
        }
        times.sort_unstable();
        let mut ins = tx.prepare("INSERT INTO orders VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        let step = (opts.orders / 20).max(1);
        for (i, offset) in times.iter().enumerate() {
            let t = start + Duration::seconds(*offset);
            let age_hours = (opts.now - t).num_hours();
            let progress = *offset as f64 / secs;
            // Error rate improves from ~6 % to ~3 %; recent orders are
            // still active; a few old ones are stuck.
            let u: f64 = rng.random();
            let active = if age_hours < 48 { 0.7 } else { 0.002 };
            let error = 0.06 - 0.03 * progress;
            let status = if u < active {
                "active"
            } else if u < active + error {
                "error"
            } else if u < active + error + 0.05 {
                "cancelled"
            } else {
                "completed"
            };
            let (product, price) = PRODUCTS[rng.random_range(0..PRODUCTS.len())];
            let qty = f64::from(rng.random_range(1..=3u8));
            let amount = (price * qty * rng.random_range(0.9..1.1) * 100.0).round() / 100.0;
            let completion = (status == "completed").then(|| {
                120 + rng.random_range(0..1_800) + (rng.random::<f64>().powi(4) * 40_000.0) as i64
            });
            ins.execute(rusqlite::params![
                i as i64 + 1,
                fmt(t),
                status,
                pick(&mut rng, &REGIONS),
                rng.random_range(1..=CUSTOMERS),
                product,
                amount,
                completion
            ])?;
            if opts.progress && (i + 1) % step == 0 {
                eprint!(
                    "\rgenerating demo orders: {:>3} %",
                    (i + 1) * 100 / opts.orders
                );
                let _ = std::io::stderr().flush();
            }
        }
    }
    tx.commit()?;
    if opts.progress {
        eprintln!("\rgenerating demo orders: done; indexing");
    }
    conn.execute_batch(
        "CREATE INDEX orders_created_at ON orders(created_at);
         CREATE INDEX customers_signed_up_at ON customers(signed_up_at);
         ANALYZE;",
    )?;
    Ok(())
}

fn demo_config(listen: &str) -> String {
    format!(
        r##"# Written by `wasmdash demo`. Edit freely; it is not overwritten.
# Timestamps in demo.db are ISO-8601 text (YYYY-MM-DD HH:MM:SS) in UTC.

[server]
listen = "{listen}"
data_dir = "state"
timezone = "UTC"

[[source]]
name = "demo"
url = "sqlite://{DEMO_DB}"

[[dataset]]
name = "orders"
label = "Orders"
source = "demo"
table = "orders"
time_column = "created_at"
# Each column may carry a label and a display format (number, id, percent,
# currency with its code in `unit`, duration, date, datetime); a column
# metrics group by may carry the colours of its values.
columns = [
  {{ name = "id", label = "Order", format = "id" }},
  {{ name = "created_at", label = "Created", format = "datetime" }},
  {{ name = "status", label = "Status", colors = {{ completed = "#16a34a", active = "#2563eb", error = "#dc2626", cancelled = "#94a3b8" }} }},
  {{ name = "region", label = "Region" }},
  {{ name = "customer_id", label = "Customer", format = "id" }},
  {{ name = "product", label = "Product" }},
  {{ name = "amount", label = "Amount", format = "currency", unit = "USD", decimals = 2 }},
  {{ name = "completion_seconds", label = "Completion time", format = "duration", unit = "s" }},
]

[[dataset]]
name = "customers"
label = "Customers"
source = "demo"
table = "customers"
time_column = "signed_up_at"
columns = [
  {{ name = "id", label = "Customer", format = "id" }},
  {{ name = "name", label = "Name" }},
  {{ name = "region", label = "Region" }},
  {{ name = "signed_up_at", label = "Signed up", format = "date" }},
]

[[metric]]
name = "total_orders"
label = "Total orders"
dataset = "orders"
aggregate = "count"
dimensions = ["status", "region", "product"]

[[metric]]
name = "active_processes"
label = "Active processes"
dataset = "orders"
aggregate = "count"
filters = [{{ column = "status", op = "=", value = "active" }}]
dimensions = ["region", "product"]
cache_ttl_secs = 15

[[metric]]
name = "error_rate"
label = "Error rate"
dataset = "orders"
aggregate = "ratio"
ratio_filter = [{{ column = "status", op = "=", value = "error" }}]
dimensions = ["region", "product"]
format = "percent"
good = "down"
decimals = 1

[[metric]]
name = "avg_completion_time"
label = "Average completion time"
dataset = "orders"
aggregate = "avg"
column = "completion_seconds"
filters = [{{ column = "status", op = "=", value = "completed" }}]
dimensions = ["region", "product"]
format = "duration"
good = "down"
unit = "s"

[[metric]]
name = "avg_order_value"
label = "Average order value"
dataset = "orders"
aggregate = "avg"
column = "amount"
dimensions = ["region", "product"]
format = "currency"
unit = "USD"
decimals = 2

[[metric]]
name = "revenue"
label = "Revenue"
dataset = "orders"
aggregate = "sum"
column = "amount"
filters = [{{ column = "status", op = "in", value = ["completed", "active"] }}]
dimensions = ["region", "product", "status"]
format = "currency"
unit = "USD"
decimals = 0

[[metric]]
name = "customers"
label = "Ordering customers"
dataset = "orders"
aggregate = "count_distinct"
column = "customer_id"
dimensions = ["region"]

[[metric]]
name = "new_customers"
label = "New customers"
dataset = "customers"
aggregate = "count"
dimensions = ["region"]
"##
    )
}
