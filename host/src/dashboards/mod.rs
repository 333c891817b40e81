//! Dashboards, transport-neutral: [`DashboardService`] owns who may see
//! and change a dashboard, checks widgets against their plugins, and
//! handles the JSON document (export, import) and the version history.
//! Pages, the JSON API and the CLI call it; it knows no HTTP.

mod error;
mod history;
mod placement;
mod service;
mod tabs;

pub use error::{DashboardsError, Result};
pub use history::{Author, History, KeptVersion};
pub use placement::first_free_cell;
pub use service::{DashboardDocument, DashboardService};
pub use tabs::{OrphanWidgets, TabChange, TabError, apply_tab_change};
