//! The alert service's one error type: user mistakes (shown as they are)
//! apart from failures of ours (logged, shown generically).

use crate::data::DataError;
use crate::plugins::PluginError;
use crate::store::StoreError;

/// Result alias of the alert service.
pub type Result<T, E = AlertError> = std::result::Result<T, E>;

/// Why an alert operation failed. A failed write changes nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AlertError {
    /// A submitted field is invalid; `field` names it as in [`super::AlertDraft`]
    /// (`rule_config.<key>` for a key of the rule's config).
    #[error("{field}: {message}")]
    Invalid {
        /// The field, e.g. `recipients` or `schedule`.
        field: String,
        /// What is wrong, in one sentence.
        message: String,
    },
    /// No alert with that id, or not visible to this user.
    #[error("no such alert")]
    NotFound,
    /// The user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The alert changed since the client read it (optimistic versioning).
    #[error("the alert was changed by someone else (now version {current}); reload and try again")]
    StaleVersion {
        /// The version stored now.
        current: u64,
    },
    /// The state store failed.
    #[error("alert store: {0}")]
    Store(#[from] StoreError),
    /// Reading the metric failed (a database failure or timeout).
    #[error("metric data: {0}")]
    Data(#[from] DataError),
    /// The rule plugin failed.
    #[error("rule plugin: {0}")]
    Plugin(#[from] PluginError),
    /// Sending an email failed (used by "test now" with a test email).
    #[error("email delivery failed: {0}")]
    Delivery(String),
}

impl AlertError {
    /// An invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// True for mistakes of the caller (bad input, unknown id, missing
    /// right, stale version): show the message as it is (4xx). False for
    /// failures of the store, database, plugin or mail server: log them.
    pub fn is_user_error(&self) -> bool {
        match self {
            Self::Invalid { .. }
            | Self::NotFound
            | Self::Forbidden(_)
            | Self::StaleVersion { .. } => true,
            Self::Data(e) => e.is_user_error(),
            Self::Store(_) | Self::Plugin(_) | Self::Delivery(_) => false,
        }
    }
}
