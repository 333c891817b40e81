//! Rollups: pre-aggregated buckets of a dataset (`[[rollup]]`), kept by
//! wasmdash in one SQLite file under the data directory
//! ([`ROLLUP_FILE`]), so long ranges read a few thousand buckets instead
//! of every row.
//!
//! A rollup keeps, per bucket of its grain (UTC) and combination of its
//! dimensions, the row count and the sum, count, minimum and maximum of
//! its measure columns: everything a metric folds from (see `fold`).
//! Buckets are built in the background from the whole history, then
//! refreshed from a watermark (every source row before it is counted),
//! re-reading a look-back window each time for rows that arrive late.
//!
//! The engine answers a scan from a rollup only when that is exact: the
//! requested bucket is a whole number of grains, the zone's offsets (and
//! their changes) are whole grains, every metric's measure is kept and
//! its filters are on kept dimensions with the source's meaning, and no
//! `count_distinct`. Range edges off the grain and rows after the
//! watermark come from raw SQL and are folded in with the buckets.

mod answer;
mod build;
mod categories;
mod refresh;
mod serve;
pub(crate) mod spec;
mod store;
mod writer;

use serde::Serialize;

pub(crate) use answer::cover;
pub(crate) use spec::RollupSpec;
pub(crate) use store::RollupStore;

/// Run `f` on the blocking pool (the rollup file is read and written
/// with a synchronous driver).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> crate::error::Result<T> + Send + 'static,
) -> crate::error::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(crate::error::DataError::db)?
}

/// The rollup file's name inside the data directory.
pub const ROLLUP_FILE: &str = "rollups.sqlite";

/// Which path answered a scalar or series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "path", content = "rollup", rename_all = "snake_case")]
pub enum AnsweredBy {
    /// SQL on the source's rows.
    Sql,
    /// The named rollup's buckets (with raw SQL for range edges off its
    /// grain and rows after its watermark).
    Rollup(String),
}

impl AnsweredBy {
    /// `sql` or `rollup`.
    pub fn path(&self) -> &'static str {
        match self {
            Self::Sql => "sql",
            Self::Rollup(_) => "rollup",
        }
    }

    /// The rollup's name, when one answered.
    pub fn rollup(&self) -> Option<&str> {
        match self {
            Self::Sql => None,
            Self::Rollup(name) => Some(name),
        }
    }
}

/// Where a rollup stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RollupState {
    /// Nothing built yet.
    Empty,
    /// A build or refresh runs.
    Building,
    /// Buckets up to the watermark are there.
    Ready,
    /// The last build or refresh failed (older buckets still serve).
    Failed(String),
}

/// One rollup's status, for `wasmdash rollups status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollupStatus {
    /// Its name.
    pub name: String,
    /// Its dataset.
    pub dataset: String,
    /// Its grain, seconds.
    pub grain_secs: i64,
    /// Every source row before this instant (Unix seconds) is counted.
    pub watermark: Option<i64>,
    /// Stored buckets.
    pub buckets: i64,
    /// When the last refresh finished (Unix seconds).
    pub refreshed_at: Option<i64>,
    /// How long the last build or refresh took, milliseconds.
    pub last_run_ms: Option<u64>,
    /// Where it stands.
    pub state: RollupState,
}

/// The configured rollups, their file once opened, and their runs.
#[derive(Debug, Default)]
pub(crate) struct Rollups {
    pub(crate) specs: Vec<RollupSpec>,
    pub(crate) store: Option<std::sync::Arc<RollupStore>>,
    /// One per spec: refreshes and rebuilds of a rollup run one at a time.
    pub(crate) runs: Vec<tokio::sync::Mutex<()>>,
    /// One per spec: the outcome of its last run.
    pub(crate) last: Vec<std::sync::Mutex<Run>>,
}

/// The last run of a rollup.
#[derive(Debug, Clone, Default)]
pub(crate) struct Run {
    pub(crate) running: bool,
    pub(crate) ms: Option<u64>,
    pub(crate) error: Option<String>,
}

impl Rollups {
    /// Rollups of `specs`, not yet opened.
    pub(crate) fn new(specs: Vec<RollupSpec>) -> Self {
        Self {
            runs: specs.iter().map(|_| tokio::sync::Mutex::new(())).collect(),
            last: specs.iter().map(|_| Default::default()).collect(),
            specs,
            store: None,
        }
    }

    /// The rollups answering `metrics` of `dataset` grouped by `bucket`
    /// over a zone with `offsets`, coarsest first: the coarsest answers
    /// the whole grains of a range, each finer one what is left at its
    /// edges (so only what no grain covers is read raw). `None` when
    /// none fits.
    pub(crate) fn fitting(
        &self,
        dataset: usize,
        metrics: &[&crate::compile::MetricPlan],
        bucket: Option<crate::dialect::Bucket>,
        offsets: &[(i64, i64)],
        dialect: &str,
    ) -> Option<(Vec<&RollupSpec>, &std::sync::Arc<RollupStore>)> {
        let store = self.store.as_ref()?;
        let mut chain: Vec<&RollupSpec> = self
            .specs
            .iter()
            .filter(|s| s.dataset == dataset && s.fits(metrics, bucket, offsets, dialect))
            .collect();
        chain.sort_by_key(|s| std::cmp::Reverse(s.grain));
        (!chain.is_empty()).then_some((chain, store))
    }
}
