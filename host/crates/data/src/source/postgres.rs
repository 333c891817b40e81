//! PostgreSQL: a deadpool of read-only sessions in UTC. Each query is
//! bounded twice: `statement_timeout` on the server, and a client-side
//! timer that sends a cancel request if the server does not stop.

use std::error::Error as StdError;
use std::time::Duration;

use bytes::BytesMut;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use futures::{StreamExt, pin_mut};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::batch::{Batcher, Cell, Feeder};
use crate::compile::Query;
use crate::dialect::SqlValue;
use crate::error::{DataError, Result};
use wasmdash_frame::ColumnKind;

/// Extra time the server gets to honour `statement_timeout` before the
/// client cancels the query itself.
const CANCEL_GRACE: Duration = Duration::from_millis(500);

/// A pool of read-only sessions to one database.
#[derive(Debug)]
pub(crate) struct PostgresSource {
    pool: Pool,
}

impl PostgresSource {
    /// Build the pool and open one session now so a bad URL fails at start.
    pub(crate) async fn connect(url: &str, pool_size: u32, timeout: Duration) -> Result<Self> {
        let mut cfg: tokio_postgres::Config = url
            .parse()
            .map_err(|e| DataError::Schema(format!("bad PostgreSQL URL: {e}")))?;
        let mut options = cfg.get_options().unwrap_or_default().to_string();
        options.push_str(&format!(
            " -c default_transaction_read_only=on -c statement_timeout={} -c TimeZone=UTC",
            timeout.as_millis()
        ));
        cfg.options(options.trim());
        cfg.connect_timeout(Duration::from_secs(5));
        let mgr = Manager::from_config(
            cfg,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(mgr)
            .max_size(pool_size as usize)
            .build()
            .map_err(|e| DataError::Schema(e.to_string()))?;
        let this = Self { pool };
        let _first = this.client().await.map_err(|e| match e {
            DataError::Database { detail } => {
                DataError::Schema(format!("cannot connect to PostgreSQL: {detail}"))
            }
            e => e,
        })?;
        Ok(this)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        match tokio::time::timeout(Duration::from_secs(10), self.pool.get()).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(DataError::db(e)),
            Err(_) => Err(DataError::db(
                "timed out waiting for a PostgreSQL connection",
            )),
        }
    }

    /// Run a query and read every (aggregated) row.
    pub(crate) async fn query(&self, q: Query, limit: Duration) -> Result<Vec<Vec<Cell>>> {
        let client = self.client().await?;
        let cancel = client.cancel_token();
        let run = async {
            let stmt = client.prepare_cached(&q.text).await.map_err(map_err)?;
            let params: Vec<&(dyn ToSql + Sync)> =
                q.params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            let rows = client.query(&stmt, &params).await.map_err(map_err)?;
            rows.iter().map(|r| read_row(r, &q.kinds)).collect()
        };
        let limit_ms = limit.as_millis() as u64;
        match tokio::time::timeout(limit + CANCEL_GRACE, run).await {
            Ok(Err(DataError::Timeout { .. })) => Err(DataError::Timeout { limit_ms }),
            Ok(r) => r,
            Err(_) => {
                // The server did not stop in time: cancel from this side.
                if let Err(e) = cancel.cancel_query(NoTls).await {
                    tracing::warn!(error = %e, "cancelling a PostgreSQL query failed");
                }
                Err(DataError::Timeout { limit_ms })
            }
        }
    }

    /// Names and kinds of the columns `from` yields.
    pub(crate) async fn describe(&self, from_sql: &str) -> Result<Vec<super::Described>> {
        let client = self.client().await?;
        let stmt = client
            .prepare(&format!("SELECT * FROM {from_sql} LIMIT 0"))
            .await
            .map_err(|e| DataError::Schema(db_message(&e)))?;
        Ok(stmt
            .columns()
            .iter()
            .map(|c| super::Described {
                name: c.name().to_string(),
                kind: Some(kind_of_type(c.type_())),
                // Not in a statement's description: unknown.
                not_null: false,
            })
            .collect())
    }

    /// Stream rows in batches; the session is held by a task feeding a
    /// bounded channel, so rows never pile up in memory.
    pub(crate) async fn stream(
        &self,
        q: Query,
        batch_size: usize,
        limit: Duration,
        tx: Feeder,
    ) -> Result<()> {
        let mut client = self.client().await?;
        let cancel = client.cancel_token();
        tokio::spawn(async move {
            let limit_ms = limit.as_millis() as u64;
            let run = async {
                let txn = client.transaction().await.map_err(map_err)?;
                txn.batch_execute(&format!("SET LOCAL statement_timeout = {limit_ms}"))
                    .await
                    .map_err(map_err)?;
                let stmt = txn.prepare(&q.text).await.map_err(map_err)?;
                let params = q.params.iter().map(|p| p as &(dyn ToSql + Sync));
                let rows = txn.query_raw(&stmt, params).await.map_err(map_err)?;
                pin_mut!(rows);
                let mut batches = Batcher::new(&q.kinds, batch_size);
                let mut cells = Vec::with_capacity(q.kinds.len());
                while let Some(row) = rows.next().await {
                    read_row_into(&row.map_err(map_err)?, &q.kinds, &mut cells)?;
                    let Some(full) = batches.push(cells.drain(..)) else {
                        continue;
                    };
                    if tx.send(Ok(full)).await.is_err() {
                        // The consumer went away (a client hung up):
                        // stop the server's work too, not only ours —
                        // dropping the stream would let the query run on.
                        if let Err(e) = cancel.cancel_query(NoTls).await {
                            tracing::warn!(error = %e, "cancelling an abandoned stream failed");
                        }
                        return Ok(());
                    }
                }
                if let Some(last) = batches.finish() {
                    let _ = tx.send(Ok(last)).await;
                }
                Ok(())
            };
            let result: Result<()> = run.await;
            if let Err(e) = result {
                let e = match e {
                    DataError::Timeout { .. } => DataError::Timeout { limit_ms },
                    e => e,
                };
                let _ = tx.send(Err(e)).await;
            }
        });
        Ok(())
    }
}

fn db_message(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_string())
}

fn map_err(e: tokio_postgres::Error) -> DataError {
    if e.code() == Some(&SqlState::QUERY_CANCELED) {
        DataError::Timeout { limit_ms: 0 }
    } else {
        DataError::db(db_message(&e))
    }
}

fn read_row(row: &tokio_postgres::Row, kinds: &[ColumnKind]) -> Result<Vec<Cell>> {
    let mut cells = Vec::with_capacity(kinds.len());
    read_row_into(row, kinds, &mut cells)?;
    Ok(cells)
}

/// Append the cells of `row` to `out` (a buffer reused across a stream's
/// rows, so a million rows are not a million small allocations).
fn read_row_into(
    row: &tokio_postgres::Row,
    kinds: &[ColumnKind],
    out: &mut Vec<Cell>,
) -> Result<()> {
    for (i, kind) in kinds.iter().enumerate() {
        let cell = match kind {
            ColumnKind::Int64 | ColumnKind::Timestamp => {
                row.try_get::<_, Option<i64>>(i).map(|v| v.map(Cell::Int))
            }
            ColumnKind::Float64 => row.try_get::<_, Option<f64>>(i).map(|v| v.map(Cell::Float)),
            ColumnKind::Text => row
                .try_get::<_, Option<String>>(i)
                .map(|v| v.map(Cell::Text)),
            ColumnKind::Boolean => row.try_get::<_, Option<bool>>(i).map(|v| v.map(Cell::Bool)),
        };
        out.push(cell.map_err(DataError::db)?.unwrap_or(Cell::Null));
    }
    Ok(())
}

fn kind_of_type(t: &Type) -> ColumnKind {
    match *t {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => ColumnKind::Int64,
        Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => ColumnKind::Float64,
        Type::BOOL => ColumnKind::Boolean,
        Type::TIMESTAMP | Type::TIMESTAMPTZ | Type::DATE => ColumnKind::Timestamp,
        _ => ColumnKind::Text,
    }
}

impl ToSql for SqlValue {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Self::Int(i) => i.to_sql(ty, out),
            Self::Float(f) => f.to_sql(ty, out),
            Self::Text(s) => s.as_str().to_sql(ty, out),
            Self::Bool(b) => b.to_sql(ty, out),
            Self::Timestamp(ms) => {
                // Encoded as the compared column's type; sessions run in UTC.
                let t =
                    chrono::DateTime::from_timestamp_millis(*ms).ok_or("timestamp out of range")?;
                match *ty {
                    Type::TIMESTAMP => t.naive_utc().to_sql(ty, out),
                    Type::DATE => t.date_naive().to_sql(ty, out),
                    _ => t.to_sql(ty, out),
                }
            }
        }
    }

    fn accepts(_ty: &Type) -> bool {
        // Each variant's own encoder checks the type when encoding.
        true
    }

    to_sql_checked!();
}
