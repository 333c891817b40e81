//! wasmdash's data engine: the only crate that knows SQL.
//!
//! Declared datasets and metrics ([`config`], the `[[source]]`,
//! `[[dataset]]` and `[[metric]]` tables of `wasmdash.toml`) are compiled into
//! SQL that aggregates in the database — scalar, series, categories, rows —
//! per dialect ([`dialect`]), run on pooled read-only connections with a
//! timeout, and cached with single-flight. Results are [`wasmdash_frame`]
//! types, ready for plugins.
//!
//! ```no_run
//! # async fn demo(config: wasmdash_data::config::DataConfig<'_>) -> Result<(), wasmdash_data::DataError> {
//! use wasmdash_data::{BucketSpec, DataEngine, RangeSpec};
//! let engine = DataEngine::connect(config).await?;
//! let range: RangeSpec = "30d".parse()?;
//! let card = engine.scalar("revenue", &range, false).await?;
//! let chart = engine.series("revenue", &range, BucketSpec::Auto, true).await?;
//! # let _ = (card, chart); Ok(()) }
//! ```
//!
//! The crate depends on [`wasmdash_frame`] only; the host hands it its part
//! of the configuration as a [`config::DataConfig`], so a change in the web
//! layer never recompiles the database drivers.

mod access;
mod admission;
mod batch;
mod buckets;
mod cache;
mod catalog;
mod columns;
mod compile;
pub mod config;
pub mod demo;
pub mod dialect;
mod engine;
mod error;
mod fold;
mod load;
pub mod observe;
mod partial;
mod rollup;
mod scan;
mod slices;
mod source;
pub mod timerange;

pub use admission::{QueryClass, current_class, in_background};
pub use batch::BatchStream;
pub use buckets::{AUTO_MAX_POINTS, BucketSpec, MAX_POINTS};
pub use catalog::{ConfigItem, DatasetInfo, MetricInfo};
pub use dialect::Bucket;
pub use engine::{
    Clock, DataEngine, MAX_COLUMNS, MAX_FILTERS, MAX_IN_VALUES, MAX_PAGE_ROWS, MAX_TOP, RowsQuery,
};
pub use error::{DataError, Result};
pub use load::DataRequest;
pub use rollup::{AnsweredBy, ROLLUP_FILE, RollupState, RollupStatus};
pub use timerange::{RangeSpec, ResolvedRange};
