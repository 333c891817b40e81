//! Why a dashboard operation was refused or failed.

use crate::store::{DashboardJsonError, StoreError};

/// A refused or failed dashboard operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DashboardsError {
    /// No such dashboard, or not visible to this user (never telling
    /// which).
    #[error("no such dashboard")]
    NotFound,
    /// The dashboard has no widget with this id.
    #[error("no such widget on this dashboard")]
    NoSuchWidget,
    /// Visible, but this user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The request itself is malformed (a bad document, a missing version).
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed, but the content is invalid (a widget's plugin or
    /// config, the title, the grid).
    #[error("{0}")]
    Invalid(String),
    /// A widget's config does not fit its plugin's one schema.
    #[error(transparent)]
    Widget(#[from] crate::widget::WidgetConfigError),
    /// The document is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// A version that is already current, or another edit came first.
    #[error("{0}")]
    Conflict(String),
    /// The state store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DashboardJsonError> for DashboardsError {
    fn from(e: DashboardJsonError) -> Self {
        match e {
            DashboardJsonError::TooLarge => Self::TooLarge(e.to_string()),
            DashboardJsonError::Malformed(_)
            | DashboardJsonError::WrongFormat(_)
            | DashboardJsonError::NewerSchema(_) => Self::BadRequest(e.to_string()),
            other => Self::Invalid(other.to_string()),
        }
    }
}

/// Result of the dashboard service.
pub type Result<T, E = DashboardsError> = std::result::Result<T, E>;
