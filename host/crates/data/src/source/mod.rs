//! Connection pools to the configured databases, behind one enum so the
//! engine does not care which database a dataset lives in.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::config::{DataConfig, SourceConfig, SourceLocation};
use wasmdash_frame::ColumnKind;

use super::admission::{Admission, QueryClass, in_class};
use super::batch::{BatchStream, Cell, FeedLimits};
use super::compile::Query;
use super::dialect::{Dialect, MysqlDialect, PostgresDialect, SqliteDialect};
use super::error::{DataError, Result};
use super::slices::Slice;

mod mysql;
mod postgres;
pub(crate) mod sliced;
pub(crate) mod sqlite;

#[derive(Debug)]
enum Pool {
    Sqlite(Arc<sqlite::SqliteSource>),
    Postgres(postgres::PostgresSource),
    Mysql(Arc<mysql::MysqlSource>),
}

/// A column a dataset's `FROM` yields, as its database describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Described {
    pub(crate) name: String,
    /// `None` when the database cannot tell.
    pub(crate) kind: Option<ColumnKind>,
    /// Declared `NOT NULL` (false when unknown).
    pub(crate) not_null: bool,
}

/// One configured database.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) name: String,
    pool: Pool,
    timeout: Duration,
    stream_timeout: Duration,
    /// How long a streamed export's reader may take nothing.
    stream_idle: Duration,
    /// Who gets a connection, and how long they wait for one.
    admission: Admission,
    /// Statements sent to this database since start (queries, streams and
    /// schema lookups), whether they succeeded or not.
    statements: AtomicU64,
}

impl Source {
    /// Open the pool; fails now if the database cannot be reached.
    pub(crate) async fn connect(config: &DataConfig<'_>, source: &SourceConfig) -> Result<Self> {
        let name = source.name.get_ref().clone();
        let timeout = Duration::from_millis(source.query_timeout_ms);
        let pool = match config.source_location(source) {
            SourceLocation::Sqlite(path) => {
                let size = source.pool_size;
                let open =
                    tokio::task::spawn_blocking(move || sqlite::SqliteSource::open(path, size));
                Pool::Sqlite(Arc::new(open.await.map_err(DataError::db)??))
            }
            SourceLocation::Postgres(url) => Pool::Postgres(
                postgres::PostgresSource::connect(&url, source.pool_size, timeout).await?,
            ),
            SourceLocation::Mysql(url) => Pool::Mysql(Arc::new(
                mysql::MysqlSource::connect(&url, source.pool_size).await?,
            )),
        };
        Ok(Self {
            admission: Admission::new(
                &name,
                source.pool_size,
                Duration::from_millis(source.queue_timeout_ms),
            ),
            name,
            pool,
            timeout,
            stream_timeout: Duration::from_millis(source.stream_timeout_ms),
            stream_idle: Duration::from_millis(source.stream_idle_timeout_ms),
            statements: AtomicU64::new(0),
        })
    }

    /// Statements sent to this database since start.
    pub(crate) fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The dialect queries for this source are compiled in.
    pub(crate) fn dialect(&self) -> &'static dyn Dialect {
        match self.pool {
            Pool::Sqlite(_) => &SqliteDialect,
            Pool::Postgres(_) => &PostgresDialect,
            Pool::Mysql(_) => &MysqlDialect,
        }
    }

    /// True for SQLite, whose time columns hold ISO-8601 text.
    pub(crate) fn is_sqlite(&self) -> bool {
        matches!(self.pool, Pool::Sqlite(_))
    }

    /// Run a query returning few rows (aggregates, a page of rows).
    pub(crate) async fn query(&self, q: Query) -> Result<Vec<Vec<Cell>>> {
        let _admitted = self.admission.admit().await?;
        self.statements.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let result = match &self.pool {
            Pool::Sqlite(s) => s.query(q, self.timeout).await,
            Pool::Postgres(p) => p.query(q, self.timeout).await,
            Pool::Mysql(m) => m.query(q, self.timeout).await,
        };
        self.observe(started, &result);
        result
    }

    /// Run a sliced scan over `slices` (SQLite; see `slices`).
    pub(crate) async fn query_sliced(
        &self,
        q: Query,
        slices: Vec<Slice>,
    ) -> Result<Vec<Vec<Cell>>> {
        let Pool::Sqlite(s) = &self.pool else {
            return Err(DataError::db("sliced scans run on SQLite only"));
        };
        let _admitted = self.admission.admit().await?;
        self.statements.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let result = s.query_sliced(q, slices, self.timeout).await;
        self.observe(started, &result);
        result
    }

    /// Whether the database walks `time_column`'s index slice by slice for
    /// the sliced scan `q` (asked once per statement, then remembered);
    /// `false` where scans are not sliced. Not counted in
    /// [`Source::statements`]: the plan is only prepared, never run.
    pub(crate) async fn walks_index(&self, q: &Query, time_column: &str) -> Result<bool> {
        let Pool::Sqlite(s) = &self.pool else {
            return Ok(false);
        };
        if let Some(known) = s.known_plan(&q.text) {
            return Ok(known);
        }
        let _admitted = self.admission.admit().await?;
        s.walks_index(q.text.clone(), time_column.to_owned(), self.timeout)
            .await
    }

    /// Whether the table `from` (quoted) stores its rows in time order of
    /// the quoted column `time`; `false` where it cannot tell.
    pub(crate) async fn stored_in_time_order(&self, from: String, time: String) -> Result<bool> {
        let Pool::Sqlite(s) = &self.pool else {
            return Ok(false);
        };
        let _admitted = self.admission.admit().await?;
        self.statements.fetch_add(1, Ordering::Relaxed);
        s.stored_in_time_order(from, time, self.timeout).await
    }

    /// Count a statement and its duration (for a stream: until its first
    /// batch is ready) under this source's name.
    fn observe<T>(&self, started: Instant, result: &Result<T>) {
        let outcome = match result {
            Ok(_) => "ok",
            Err(DataError::Timeout { .. }) => "timeout",
            Err(_) => "error",
        };
        let source = self.name.clone();
        metrics::counter!(crate::observe::QUERIES, "source" => source.clone(), "outcome" => outcome)
            .increment(1);
        metrics::histogram!(crate::observe::QUERY_SECONDS, "source" => source)
            .record(started.elapsed().as_secs_f64());
    }

    /// Names and kinds of the columns of `from_sql` (a quoted table or a
    /// parenthesised query); `None` when the database cannot tell.
    /// `table` names the table (`[schema.]name`) when the dataset reads
    /// one, not a query.
    pub(crate) async fn describe(
        &self,
        from_sql: String,
        table: Option<Vec<String>>,
    ) -> Result<Vec<Described>> {
        let _admitted = self.admission.admit().await?;
        self.statements.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let result = match &self.pool {
            Pool::Sqlite(s) => s.describe(from_sql, table, self.timeout).await,
            Pool::Postgres(p) => p.describe(&from_sql).await,
            Pool::Mysql(m) => m.describe(&from_sql).await,
        };
        self.observe(started, &result);
        result
    }

    /// Stream rows in batches of `batch_size`. The connection stays
    /// admitted while the producer runs, not while the reader holds the
    /// stream: a stalled reader frees it after the idle limit.
    /// Streams serve exports only, so they are always background work.
    pub(crate) async fn stream(&self, q: Query, batch_size: usize) -> Result<BatchStream> {
        let admitted = in_class(QueryClass::Background, self.admission.admit()).await?;
        self.statements.fetch_add(1, Ordering::Relaxed);
        let (tx, stream) = BatchStream::channel(FeedLimits {
            idle: self.stream_idle,
            admitted,
        });
        let started = Instant::now();
        let result = match &self.pool {
            Pool::Sqlite(s) => s.stream(q, batch_size, self.stream_timeout, tx).await,
            Pool::Postgres(p) => p.stream(q, batch_size, self.stream_timeout, tx).await,
            Pool::Mysql(m) => m.stream(q, batch_size, self.stream_timeout, tx).await,
        };
        self.observe(started, &result);
        result?;
        Ok(stream)
    }
}
