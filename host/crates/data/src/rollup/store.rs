//! The rollup file: one SQLite database under the data directory, a table
//! of buckets per rollup and one row of bookkeeping each (what shaped the
//! buckets, and the watermark: every source row before it is counted).
//!
//! A writer connection folds refreshes in, one transaction each (delete
//! the refreshed window, insert its buckets, move the watermark: see
//! `writer`), and a
//! reader connection answers queries inside read transactions, so a
//! query sees a watermark and the buckets that go with it (WAL mode lets
//! both run at once).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::spec::{BUCKET, RollupSpec};
use crate::error::{DataError, Result};

/// Bookkeeping of one rollup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    /// Every source row before this UTC second is in the buckets.
    pub(crate) watermark: Option<i64>,
    /// When the last refresh finished, UTC seconds.
    pub(crate) refreshed_at: Option<i64>,
    /// Stored buckets.
    pub(crate) buckets: i64,
}

/// The open rollup file.
#[derive(Debug)]
pub(crate) struct RollupStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

pub(super) fn err(e: impl std::fmt::Display) -> DataError {
    DataError::db(format!("rollup file: {e}"))
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn lock(m: &Mutex<Connection>) -> Result<MutexGuard<'_, Connection>> {
    m.lock().map_err(|_| err("lock poisoned"))
}

impl RollupStore {
    /// Open (or create) the file at `path`.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let open = || -> Result<Connection> {
            let c = Connection::open(path).map_err(err)?;
            c.busy_timeout(std::time::Duration::from_secs(10))
                .map_err(err)?;
            c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .map_err(err)?;
            c.pragma_update(None, "synchronous", "NORMAL")
                .map_err(err)?;
            Ok(c)
        };
        let writer = open()?;
        writer
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS wasmdash_rollups (name TEXT PRIMARY KEY, \
                 signature TEXT NOT NULL, watermark INTEGER, refreshed_at INTEGER)",
            )
            .map_err(err)?;
        Ok(Self {
            writer: Mutex::new(writer),
            reader: Mutex::new(open()?),
        })
    }

    /// Make the table of `spec` match it: a rollup whose signature
    /// changed (or that is new) starts empty. Tables of rollups no longer
    /// configured are dropped.
    pub(crate) fn prepare(&self, specs: &[RollupSpec]) -> Result<()> {
        let mut c = lock(&self.writer)?;
        let tx = c.transaction().map_err(err)?;
        let known: Vec<(String, String)> = {
            let mut st = tx
                .prepare("SELECT name, signature FROM wasmdash_rollups")
                .map_err(err)?;
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(err)?
                .collect::<std::result::Result<_, _>>()
                .map_err(err)?
        };
        for (name, signature) in &known {
            let keep = specs
                .iter()
                .any(|s| &s.name == name && &s.signature == signature);
            if !keep {
                tx.execute_batch(&format!(
                    "DROP TABLE IF EXISTS {}",
                    quote(&format!("rollup:{name}"))
                ))
                .map_err(err)?;
                tx.execute("DELETE FROM wasmdash_rollups WHERE name = ?1", [name])
                    .map_err(err)?;
            }
        }
        for s in specs {
            if known
                .iter()
                .any(|(n, sig)| n == &s.name && sig == &s.signature)
            {
                continue;
            }
            let mut cols = vec![format!("{} INTEGER NOT NULL", quote(BUCKET))];
            cols.extend(s.dims.iter().map(|(d, _)| quote(d)));
            cols.extend(s.measure_columns().iter().map(|m| quote(m)));
            let table = quote(&s.table());
            tx.execute_batch(&format!(
                "CREATE TABLE {table} ({}); CREATE INDEX {} ON {table} ({});",
                cols.join(", "),
                quote(&format!("{}:bucket", s.table())),
                quote(BUCKET)
            ))
            .map_err(err)?;
            tx.execute(
                "INSERT INTO wasmdash_rollups (name, signature) VALUES (?1, ?2)",
                params![s.name, s.signature],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// The bookkeeping of `spec`.
    pub(crate) fn meta(&self, spec: &RollupSpec) -> Result<Meta> {
        let c = lock(&self.reader)?;
        let (watermark, refreshed_at) = c
            .query_row(
                "SELECT watermark, refreshed_at FROM wasmdash_rollups WHERE name = ?1",
                [&spec.name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(err)?
            .unwrap_or((None, None));
        let buckets = c
            .query_row(
                &format!("SELECT COUNT(*) FROM {}", quote(&spec.table())),
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        Ok(Meta {
            watermark,
            refreshed_at,
            buckets,
        })
    }

    /// Forget every bucket of `spec` (before a rebuild).
    pub(crate) fn clear(&self, spec: &RollupSpec) -> Result<()> {
        let mut c = lock(&self.writer)?;
        let tx = c.transaction().map_err(err)?;
        tx.execute_batch(&format!("DELETE FROM {}", quote(&spec.table())))
            .map_err(err)?;
        tx.execute(
            "UPDATE wasmdash_rollups SET watermark = NULL WHERE name = ?1",
            [&spec.name],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// The writer connection, for a [`super::writer::BucketWriter`]
    /// (one build or refresh writes at a time).
    pub(crate) fn write_lock(&self) -> Result<MutexGuard<'_, Connection>> {
        lock(&self.writer)
    }

    /// Run `f` in a read transaction: the watermark it reads and the
    /// buckets it queries belong together.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut c = lock(&self.reader)?;
        let tx = c.transaction().map_err(err)?;
        let out = f(&tx)?;
        tx.commit().map_err(err)?;
        Ok(out)
    }
}

/// The watermark of `spec`, inside a read transaction.
pub(crate) fn watermark(tx: &Transaction<'_>, spec: &RollupSpec) -> Result<Option<i64>> {
    tx.query_row(
        "SELECT watermark FROM wasmdash_rollups WHERE name = ?1",
        [&spec.name],
        |r| r.get(0),
    )
    .optional()
    .map_err(err)
    .map(Option::flatten)
}

/// Quote a stored table or column name.
pub(crate) fn quoted(name: &str) -> String {
    quote(name)
}
