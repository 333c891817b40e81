//! Exports: a dataset's rows, a widget's data or a dashboard report,
//! encoded by an exporter plugin and streamed.
//!
//! Rows flow from the database cursor in batches through the exporter's
//! session into a bounded channel that the HTTP body (or the CLI's file)
//! drains, so memory stays flat whatever the row count. A reader that goes
//! away stops the job, which drops the database stream and so cancels the
//! query. A failure mid-stream ends the output with a visible marker line
//! ([`MARKER`]) and then the error, never a silently truncated file.
//!
//! Everything that can be refused (format, dataset, columns, filters,
//! range, exporter options) is checked by [`ExportJobBuilder::build`],
//! before the first byte.
//!
//! ```no_run
//! # async fn demo(
//! #     data: std::sync::Arc<wasmdash::data::DataEngine>,
//! #     plugins: std::sync::Arc<wasmdash::plugins::PluginRegistry>,
//! # ) -> Result<(), wasmdash::export::ExportError> {
//! use futures::StreamExt;
//! use wasmdash::export::{DatasetExport, ExportJobBuilder, ExportSource};
//! let job = ExportJobBuilder::new(data, plugins, "csv")
//!     .source(ExportSource::Dataset(DatasetExport {
//!         name: "orders".into(),
//!         ..DatasetExport::default()
//!     }))
//!     .range(Some("30d".parse()?))
//!     .build()
//!     .await?;
//! println!("writing {}", job.file_name());
//! let mut output = job.spawn();
//! while let Some(chunk) = output.next().await {
//!     let _bytes = chunk?;
//! }
//! # Ok(()) }
//! ```

mod error;
mod file_name;
mod job;
mod looks;
mod per_user;
mod report;
mod request;
mod source;
mod stream;
pub mod tables;

pub use error::{ExportError, Result};
pub use file_name::{file_name, sanitize};
pub use job::{BATCH_ROWS, CHANNEL_CHUNKS, ExportJob, ExportJobBuilder, ExportProgress};
pub use per_user::{ExportTicket, MAX_EXPORTS_PER_USER};
pub use report::{REPORT_TABLE_ROWS, TableRows};
pub use request::{ExportRequest, ExportService, parse_format, parse_options};
pub use source::{DatasetExport, ExportSource};
pub use stream::{ExportStream, MARKER, failure_marker};
