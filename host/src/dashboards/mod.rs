//! Dashboards, transport-neutral: [`DashboardService`] owns who may see
//! and change a dashboard, checks widgets against their plugins, and
//! handles the JSON document (export, import) and the version history.
//! Pages, the JSON API and the CLI call it; it knows no HTTP.

mod error;
mod service;

pub use error::{DashboardsError, Result};
pub use service::{DashboardDocument, DashboardService};
