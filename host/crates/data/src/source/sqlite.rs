//! SQLite: read-only connections in a small pool, used from blocking
//! threads, each query bounded by a progress-handler deadline.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use crate::batch::{Batcher, Cell, Feeder};
use crate::compile::Query;
use crate::dialect::SqlValue;
use crate::error::{DataError, Result};
use crate::slices::Slice;
use crate::source::Described;

use super::sliced;
use wasmdash_frame::ColumnKind;

/// Virtual machine steps between two looks at a statement's deadline.
const PROGRESS_OPS: i32 = 10_000;
/// Sliced statements whose plan is remembered (beyond it, forgotten).
const PLANS_KEPT: usize = 512;

/// A pool of read-only connections to one SQLite file.
#[derive(Debug)]
pub(crate) struct SqliteSource {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    /// Per sliced statement: whether SQLite walks the time index for it
    /// (`sliced::walks_index`); the schema is read-only to us, so the
    /// answer holds.
    plans: Mutex<HashMap<String, bool>>,
}

impl SqliteSource {
    /// Open one connection now so a missing file fails at start.
    pub(crate) fn open(path: PathBuf, pool_size: u32) -> Result<Self> {
        let conn = open(&path)?;
        Ok(Self {
            path,
            idle: Mutex::new(vec![conn]),
            permits: Arc::new(Semaphore::new(pool_size as usize)),
            plans: Mutex::new(HashMap::new()),
        })
    }

    /// Run `f` on a pooled connection on a blocking thread; SQLite stops
    /// the statement once `limit` has passed.
    async fn with_conn<T: Send + 'static>(
        self: &Arc<Self>,
        limit: Duration,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(DataError::db)?;
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let idle = this.idle.lock().map(|mut v| v.pop()).unwrap_or(None);
            let mut conn = match idle {
                Some(c) => c,
                None => open(&this.path)?,
            };
            let deadline = Instant::now() + limit;
            // Every PROGRESS_OPS virtual machine steps (well under a
            // millisecond): often enough for the deadline, rarely enough
            // not to cost a long scan anything measurable.
            conn.progress_handler(PROGRESS_OPS, Some(move || Instant::now() >= deadline))
                .map_err(DataError::db)?;
            let result = f(&conn);
            conn.progress_handler(0, None::<fn() -> bool>)
                .map_err(DataError::db)?;
            if let Ok(mut idle) = this.idle.lock() {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(DataError::db)?
        .map_err(|e| match e {
            DataError::Timeout { .. } => DataError::Timeout {
                limit_ms: limit.as_millis() as u64,
            },
            e => e,
        })
    }

    /// Run a query and read every (aggregated) row.
    pub(crate) async fn query(
        self: &Arc<Self>,
        q: Query,
        limit: Duration,
    ) -> Result<Vec<Vec<Cell>>> {
        self.with_conn(limit, move |conn| run(conn, &q)).await
    }

    /// Run a sliced scan (see `slices`): load `slices` into the
    /// connection's slices table, run `q` over them, empty it again.
    pub(crate) async fn query_sliced(
        self: &Arc<Self>,
        q: Query,
        slices: Vec<Slice>,
        limit: Duration,
    ) -> Result<Vec<Vec<Cell>>> {
        self.with_conn(limit, move |conn| {
            sliced::load(conn, &slices)?;
            let rows = run(conn, &q);
            // A statement stopped at its deadline reports that, not a
            // failed clean-up (the next load empties the table anyway).
            let cleared = sliced::clear(conn);
            let rows = rows?;
            cleared?;
            Ok(rows)
        })
        .await
    }

    /// The remembered answer of [`SqliteSource::walks_index`] for `text`.
    pub(crate) fn known_plan(&self, text: &str) -> Option<bool> {
        self.plans.lock().ok()?.get(text).copied()
    }

    /// Whether SQLite walks `time_column`'s index for the sliced
    /// statement `text` (see `sliced::walks_index`), remembered.
    pub(crate) async fn walks_index(
        self: &Arc<Self>,
        text: String,
        time_column: String,
        limit: Duration,
    ) -> Result<bool> {
        let this = Arc::clone(self);
        self.with_conn(limit, move |conn| {
            let walks = sliced::walks_index(conn, &text, &time_column)?;
            if let Ok(mut plans) = this.plans.lock() {
                if plans.len() >= PLANS_KEPT {
                    plans.clear();
                }
                plans.insert(text, walks);
            }
            Ok(walks)
        })
        .await
    }

    /// Whether the table `from` stores its rows in time order of `time`
    /// (see `sliced::stored_in_time_order`).
    pub(crate) async fn stored_in_time_order(
        self: &Arc<Self>,
        from: String,
        time: String,
        limit: Duration,
    ) -> Result<bool> {
        self.with_conn(limit, move |conn| {
            sliced::stored_in_time_order(conn, &from, &time)
        })
        .await
    }

    /// Names and declared kinds of the columns `from_sql` yields, and
    /// their `NOT NULL` constraints when it is `table` (`[schema.]name`):
    /// only a table's own constraints hold (a view's or a query's outer
    /// join may fill a `NOT NULL` column with NULLs).
    pub(crate) async fn describe(
        self: &Arc<Self>,
        from_sql: String,
        table: Option<Vec<String>>,
        limit: Duration,
    ) -> Result<Vec<Described>> {
        self.with_conn(limit, move |conn| {
            let stmt = conn
                .prepare(&format!("SELECT * FROM {from_sql} LIMIT 0"))
                .map_err(|e| DataError::Schema(e.to_string()))?;
            let not_null = |column: &str| {
                let (db, name) = match table.as_deref() {
                    Some([name]) => (None, name.as_str()),
                    Some([db, name]) => (Some(db.as_str()), name.as_str()),
                    _ => return false,
                };
                // Fails for a view: unknown.
                conn.column_metadata(db, name, column)
                    .is_ok_and(|(_, _, not_null, _, _)| not_null)
            };
            Ok(stmt
                .columns()
                .map(|c| Described {
                    name: c.name().to_string(),
                    kind: c.decl_type().and_then(kind_of_decl),
                    not_null: not_null(c.name()),
                })
                .collect())
        })
        .await
    }

    /// Stream rows in batches from a blocking thread over a bounded channel.
    pub(crate) async fn stream(
        self: &Arc<Self>,
        q: Query,
        batch_size: usize,
        limit: Duration,
        tx: Feeder,
    ) -> Result<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let err_tx = tx.clone();
            let result = this
                .with_conn(limit, move |conn| {
                    let mut stmt = conn.prepare_cached(&q.text).map_err(map_err)?;
                    let params = bind(&q.params);
                    let mut rows = stmt
                        .query(rusqlite::params_from_iter(params.iter()))
                        .map_err(map_err)?;
                    let mut batches = Batcher::new(&q.kinds, batch_size);
                    let mut cells = Vec::with_capacity(q.kinds.len());
                    while let Some(row) = rows.next().map_err(map_err)? {
                        read_row_into(row, &q.kinds, &mut cells)?;
                        let Some(full) = batches.push(cells.drain(..)) else {
                            continue;
                        };
                        if tx.blocking_send(Ok(full)).is_err() {
                            return Ok(()); // The consumer went away.
                        }
                    }
                    if let Some(last) = batches.finish() {
                        let _ = tx.blocking_send(Ok(last));
                    }
                    Ok(())
                })
                .await;
            if let Err(e) = result {
                let _ = err_tx.send(Err(e)).await;
            }
        });
        Ok(())
    }
}

/// Run `q` on `conn` and read every row.
fn run(conn: &Connection, q: &Query) -> Result<Vec<Vec<Cell>>> {
    let mut stmt = conn.prepare_cached(&q.text).map_err(map_err)?;
    let params = bind(&q.params);
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(map_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(map_err)? {
        out.push(read_row(row, &q.kinds)?);
    }
    Ok(out)
}

fn open(path: &PathBuf) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| {
        DataError::Schema(format!("cannot open SQLite file {}: {e}", path.display()))
    })?;
    // Fail on an empty or non-database file now rather than on first query.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(|e| {
            DataError::Schema(format!("{} is not readable as SQLite: {e}", path.display()))
        })?;
    Ok(conn)
}

fn map_err(e: rusqlite::Error) -> DataError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::OperationInterrupted) => DataError::Timeout { limit_ms: 0 },
        _ => DataError::db(e),
    }
}

/// Timestamps are stored as ISO-8601 text in UTC (`YYYY-MM-DD HH:MM:SS`),
/// which sorts and compares correctly as text.
pub(crate) fn bind(params: &[SqlValue]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    params
        .iter()
        .map(|p| match p {
            SqlValue::Int(i) => Value::Integer(*i),
            SqlValue::Float(f) => Value::Real(*f),
            SqlValue::Text(s) => Value::Text(s.clone()),
            SqlValue::Bool(b) => Value::Integer(i64::from(*b)),
            SqlValue::Timestamp(ms) => Value::Text(iso_text(*ms)),
        })
        .collect()
}

/// Unix ms → `YYYY-MM-DD HH:MM:SS[.fff]` in UTC.
pub(crate) fn iso_text(ms: i64) -> String {
    let t = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    if ms % 1000 == 0 {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
    }
}

fn read_row(row: &rusqlite::Row<'_>, kinds: &[ColumnKind]) -> Result<Vec<Cell>> {
    let mut cells = Vec::with_capacity(kinds.len());
    read_row_into(row, kinds, &mut cells)?;
    Ok(cells)
}

/// Append the cells of `row` to `out` (a buffer a stream reuses per row).
fn read_row_into(row: &rusqlite::Row<'_>, kinds: &[ColumnKind], out: &mut Vec<Cell>) -> Result<()> {
    for (i, kind) in kinds.iter().enumerate() {
        let v = row.get_ref(i).map_err(DataError::db)?;
        out.push(match (v, kind) {
            (ValueRef::Null, _) => Cell::Null,
            (ValueRef::Integer(n), ColumnKind::Float64) => Cell::Float(n as f64),
            (ValueRef::Integer(n), ColumnKind::Boolean) => Cell::Bool(n != 0),
            (ValueRef::Integer(n), ColumnKind::Text) => Cell::Text(n.to_string()),
            (ValueRef::Integer(n), _) => Cell::Int(n),
            (ValueRef::Real(f), ColumnKind::Int64 | ColumnKind::Timestamp) => Cell::Int(f as i64),
            (ValueRef::Real(f), ColumnKind::Text) => Cell::Text(f.to_string()),
            (ValueRef::Real(f), _) => Cell::Float(f),
            (ValueRef::Text(t) | ValueRef::Blob(t), _) => {
                Cell::Text(String::from_utf8_lossy(t).into_owned())
            }
        });
    }
    Ok(())
}

/// SQLite's type affinity rules, plus dates and booleans by name.
fn kind_of_decl(decl: &str) -> Option<ColumnKind> {
    let d = decl.to_ascii_uppercase();
    Some(if d.contains("INT") {
        ColumnKind::Int64
    } else if d.contains("DATE") || d.contains("TIME") {
        ColumnKind::Timestamp
    } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
        ColumnKind::Text
    } else if d.contains("BOOL") {
        ColumnKind::Boolean
    } else if d.contains("REAL")
        || d.contains("FLOA")
        || d.contains("DOUB")
        || d.contains("NUM")
        || d.contains("DEC")
    {
        ColumnKind::Float64
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_to_kinds() {
        assert_eq!(kind_of_decl("INTEGER"), Some(ColumnKind::Int64));
        assert_eq!(kind_of_decl("varchar(20)"), Some(ColumnKind::Text));
        assert_eq!(kind_of_decl("DATETIME"), Some(ColumnKind::Timestamp));
        assert_eq!(kind_of_decl("DECIMAL(10,2)"), Some(ColumnKind::Float64));
        assert_eq!(kind_of_decl("BLOB"), None);
    }

    #[test]
    fn timestamps_bind_as_sortable_utc_text() {
        assert_eq!(iso_text(0), "1970-01-01 00:00:00");
        assert_eq!(iso_text(1_500), "1970-01-01 00:00:01.500");
    }
}
