//! MariaDB and MySQL: a pool of read-only sessions in UTC. A query that
//! outlives its limit, or a stream whose reader went away, is stopped on
//! the server with `KILL QUERY` from a second session, the same way on
//! both servers (their own statement timeouts differ in name and reach).

use std::collections::HashMap;
use std::time::Duration;

use mysql_async::consts::ColumnType;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder, Params, Pool, PoolConstraints, PoolOpts, Value};

use crate::batch::{Batcher, Cell, Feeder};
use crate::compile::Query;
use crate::dialect::SqlValue;
use crate::error::{DataError, Result};
use wasmdash_frame::ColumnKind;

/// Longest wait for a free session from the pool.
const CONNECT_WAIT: Duration = Duration::from_secs(10);

/// A pool of read-only sessions to one database.
#[derive(Debug)]
pub(crate) struct MysqlSource {
    pool: Pool,
}

impl MysqlSource {
    /// Build the pool and open one session now so a bad URL fails at start.
    pub(crate) async fn connect(url: &str, pool_size: u32) -> Result<Self> {
        let opts = Opts::from_url(url)
            .map_err(|e| DataError::Schema(format!("bad MariaDB/MySQL URL: {e}")))?;
        let constraints = PoolConstraints::new(0, pool_size.max(1) as usize)
            .ok_or_else(|| DataError::Schema("pool_size must be at least 1".into()))?;
        // No reset when a session goes back to the pool: the driver's
        // reset (COM_RESET_CONNECTION) would undo the `init` settings below,
        // which run only when a session opens, and drop its prepared
        // statements. The pool's sessions carry no other state.
        let opts = OptsBuilder::from_opts(opts)
            .pool_opts(
                PoolOpts::default()
                    .with_constraints(constraints)
                    .with_reset_connection(false),
            )
            // UTC so UNIX_TIMESTAMP/FROM_UNIXTIME agree with the engine;
            // read-only so a dataset query can never write.
            .init(vec![
                "SET time_zone = '+00:00'",
                "SET SESSION TRANSACTION READ ONLY",
            ]);
        let this = Self {
            pool: Pool::new(opts),
        };
        let first = this.conn().await.map_err(|e| match e {
            DataError::Database { detail } => {
                DataError::Schema(format!("cannot connect to MariaDB/MySQL: {detail}"))
            }
            e => e,
        })?;
        drop(first);
        Ok(this)
    }

    async fn conn(&self) -> Result<Conn> {
        match tokio::time::timeout(CONNECT_WAIT, self.pool.get_conn()).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(DataError::db(e)),
            Err(_) => Err(DataError::db(
                "timed out waiting for a MariaDB/MySQL connection",
            )),
        }
    }

    /// Stop whatever session `id` is running (best effort, logged).
    async fn kill(&self, id: u32) {
        let result = async {
            let mut conn = self.conn().await?;
            conn.query_drop(format!("KILL QUERY {id}"))
                .await
                .map_err(DataError::db)
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "stopping a MariaDB/MySQL query failed");
        }
    }

    /// Run a query and read every (aggregated) row.
    pub(crate) async fn query(&self, q: Query, limit: Duration) -> Result<Vec<Vec<Cell>>> {
        let mut conn = self.conn().await?;
        let id = conn.id();
        let run = async {
            let rows: Vec<mysql_async::Row> = conn
                .exec(q.text.as_str(), params(&q.params))
                .await
                .map_err(DataError::db)?;
            rows.iter().map(|r| read_row(r, &q.kinds)).collect()
        };
        match tokio::time::timeout(limit, run).await {
            Ok(r) => r,
            Err(_) => {
                self.kill(id).await;
                Err(DataError::Timeout {
                    limit_ms: limit.as_millis() as u64,
                })
            }
        }
    }

    /// Names and kinds of the columns `from` yields.
    pub(crate) async fn describe(&self, from_sql: &str) -> Result<Vec<super::Described>> {
        let mut conn = self.conn().await?;
        let stmt = conn
            .prep(format!("SELECT * FROM {from_sql} LIMIT 0"))
            .await
            .map_err(|e| DataError::Schema(e.to_string()))?;
        Ok(stmt
            .columns()
            .iter()
            .map(|c| super::Described {
                name: c.name_str().into_owned(),
                kind: Some(kind_of_type(c.column_type())),
                // Left unknown: a query's outer join may fill a NOT NULL
                // column with NULLs.
                not_null: false,
            })
            .collect())
    }

    /// Stream rows in batches; the session is held by a task feeding a
    /// bounded channel, so rows never pile up in memory.
    pub(crate) async fn stream(
        self: &std::sync::Arc<Self>,
        q: Query,
        batch_size: usize,
        limit: Duration,
        tx: Feeder,
    ) -> Result<()> {
        let mut conn = self.conn().await?;
        let id = conn.id();
        let me = self.clone();
        tokio::spawn(async move {
            let limit_ms = limit.as_millis() as u64;
            let run = async {
                let mut result = conn
                    .exec_iter(q.text.as_str(), params(&q.params))
                    .await
                    .map_err(DataError::db)?;
                let mut batches = Batcher::new(&q.kinds, batch_size);
                let mut cells = Vec::with_capacity(q.kinds.len());
                while let Some(row) = result.next().await.map_err(DataError::db)? {
                    read_row_into(&row, &q.kinds, &mut cells)?;
                    let Some(full) = batches.push(cells.drain(..)) else {
                        continue;
                    };
                    if tx.send(Ok(full)).await.is_err() {
                        // The reader went away (a client hung up).
                        return Ok(false);
                    }
                }
                if let Some(last) = batches.finish() {
                    let _ = tx.send(Ok(last)).await;
                }
                Ok(true)
            };
            let outcome: std::result::Result<Result<bool>, _> =
                tokio::time::timeout(limit, run).await;
            match outcome {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => me.kill(id).await,
                Ok(Err(e)) => {
                    let _ = tx.send(Err(e)).await;
                }
                Err(_) => {
                    me.kill(id).await;
                    let _ = tx.send(Err(DataError::Timeout { limit_ms })).await;
                }
            }
        });
        Ok(())
    }
}

/// Bound values by name (`:p1`, `:p2`, …), as the dialect wrote them.
fn params(values: &[SqlValue]) -> Params {
    if values.is_empty() {
        return Params::Empty;
    }
    let named: HashMap<Vec<u8>, Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("p{}", i + 1).into_bytes(), value(v)))
        .collect();
    Params::Named(named)
}

fn value(v: &SqlValue) -> Value {
    match v {
        SqlValue::Int(i) => Value::Int(*i),
        SqlValue::Float(f) => Value::Double(*f),
        SqlValue::Text(s) => Value::Bytes(s.clone().into_bytes()),
        SqlValue::Bool(b) => Value::Int(i64::from(*b)),
        // Sessions run in UTC, so a UTC wall-clock time compares right
        // with DATETIME and TIMESTAMP columns alike.
        SqlValue::Timestamp(ms) => match chrono::DateTime::from_timestamp_millis(*ms) {
            Some(t) => Value::Bytes(
                t.naive_utc()
                    .format("%Y-%m-%d %H:%M:%S%.3f")
                    .to_string()
                    .into_bytes(),
            ),
            None => Value::NULL,
        },
    }
}

fn read_row(row: &mysql_async::Row, kinds: &[ColumnKind]) -> Result<Vec<Cell>> {
    let mut cells = Vec::with_capacity(kinds.len());
    read_row_into(row, kinds, &mut cells)?;
    Ok(cells)
}

/// Append the cells of `row` to `out`. Queries cast every output column
/// (see the dialect), so values arrive as integers, doubles or text.
fn read_row_into(row: &mysql_async::Row, kinds: &[ColumnKind], out: &mut Vec<Cell>) -> Result<()> {
    for (i, kind) in kinds.iter().enumerate() {
        let v = row
            .as_ref(i)
            .ok_or_else(|| DataError::db(format!("row has no column {i}")))?;
        out.push(cell(v, *kind)?);
    }
    Ok(())
}

fn cell(v: &Value, kind: ColumnKind) -> Result<Cell> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok(match (v, kind) {
        (Value::NULL, _) => Cell::Null,
        (Value::Int(i), ColumnKind::Boolean) => Cell::Bool(*i != 0),
        (Value::Int(i), ColumnKind::Text) => Cell::Text(i.to_string()),
        (Value::Int(i), _) => Cell::Int(*i),
        (Value::UInt(u), ColumnKind::Text) => Cell::Text(u.to_string()),
        (Value::UInt(u), _) => Cell::Int(i64::try_from(*u).unwrap_or(i64::MAX)),
        (Value::Double(f), ColumnKind::Text) => Cell::Text(f.to_string()),
        (Value::Double(f), _) => Cell::Float(*f),
        (Value::Float(f), ColumnKind::Text) => Cell::Text(f.to_string()),
        (Value::Float(f), _) => Cell::Float(f64::from(*f)),
        (Value::Bytes(b), ColumnKind::Text) => Cell::Text(text(b)),
        (Value::Bytes(b), ColumnKind::Float64) => Cell::Float(
            text(b)
                .trim()
                .parse()
                .map_err(|_| DataError::db(format!("not a number: {:?}", text(b))))?,
        ),
        (Value::Bytes(b), ColumnKind::Int64 | ColumnKind::Timestamp) => Cell::Int(
            text(b)
                .trim()
                .parse()
                .map_err(|_| DataError::db(format!("not an integer: {:?}", text(b))))?,
        ),
        (Value::Bytes(b), ColumnKind::Boolean) => Cell::Bool(!matches!(&b[..], b"0" | b"")),
        (other, _) => {
            return Err(DataError::db(format!(
                "unexpected value {other:?} for a {kind:?} column"
            )));
        }
    })
}

fn kind_of_type(t: ColumnType) -> ColumnKind {
    use ColumnType as T;
    match t {
        T::MYSQL_TYPE_TINY
        | T::MYSQL_TYPE_SHORT
        | T::MYSQL_TYPE_LONG
        | T::MYSQL_TYPE_LONGLONG
        | T::MYSQL_TYPE_INT24
        | T::MYSQL_TYPE_YEAR
        | T::MYSQL_TYPE_BIT => ColumnKind::Int64,
        T::MYSQL_TYPE_FLOAT
        | T::MYSQL_TYPE_DOUBLE
        | T::MYSQL_TYPE_DECIMAL
        | T::MYSQL_TYPE_NEWDECIMAL => ColumnKind::Float64,
        T::MYSQL_TYPE_DATE
        | T::MYSQL_TYPE_NEWDATE
        | T::MYSQL_TYPE_DATETIME
        | T::MYSQL_TYPE_DATETIME2
        | T::MYSQL_TYPE_TIMESTAMP
        | T::MYSQL_TYPE_TIMESTAMP2 => ColumnKind::Timestamp,
        _ => ColumnKind::Text,
    }
}
