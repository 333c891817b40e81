//! The data engine's errors: user mistakes (shown as they are, 4xx) apart
//! from database failures (logged, shown generically).

/// An error of the data engine.
///
/// `Clone` so the cache can hand one failure to every caller that waited
/// for the same query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// No metric of that name.
    #[error("unknown metric `{0}`")]
    UnknownMetric(String),
    /// No dataset of that name.
    #[error("unknown dataset `{0}`")]
    UnknownDataset(String),
    /// The time range cannot be understood or is out of bounds.
    #[error("bad time range: {0}")]
    BadRange(String),
    /// The bucket is unknown or gives too many points.
    #[error("bad bucket: {0}")]
    BadBucket(String),
    /// Grouping by a column the metric does not allow.
    #[error("metric `{metric}` cannot be grouped by `{dimension}`; allowed: {allowed}")]
    DimensionNotAllowed {
        /// The metric.
        metric: String,
        /// What was asked for.
        dimension: String,
        /// The allowed dimensions, comma-separated.
        allowed: String,
    },
    /// A column the dataset does not expose.
    #[error("dataset `{dataset}` has no column `{column}`")]
    UnknownColumn {
        /// The dataset.
        dataset: String,
        /// What was asked for.
        column: String,
    },
    /// A filter that cannot be applied (bad operator, value of wrong type).
    #[error("bad filter: {0}")]
    BadFilter(String),
    /// Another bad parameter (limit, top, batch size, ...).
    #[error("bad parameter: {0}")]
    BadParameter(String),
    /// The configuration does not match the database (found at start).
    #[error("{0}")]
    Schema(String),
    /// The query ran longer than its limit and was cancelled.
    #[error("the query took longer than {limit_ms} ms and was cancelled")]
    Timeout {
        /// The limit.
        limit_ms: u64,
    },
    /// Every connection the query may use stayed taken for as long as it
    /// may wait (see `admission`); the caller should answer 503 with
    /// `Retry-After`.
    #[error("the data source `{name}` is busy; try again in {retry_after_secs} s")]
    Busy {
        /// The source's name.
        name: String,
        /// Seconds after which a retry is sensible.
        retry_after_secs: u64,
    },
    /// The reader of a streamed export took nothing for the idle limit, so
    /// the query was stopped and its connection given back.
    #[error("the download took nothing for {idle_ms} ms and was stopped")]
    Stalled {
        /// The idle limit.
        idle_ms: u64,
    },
    /// The database failed; `detail` is for logs only.
    #[error("the database query failed")]
    Database {
        /// What the driver said; never shown to users.
        detail: String,
    },
}

impl DataError {
    /// True for mistakes in the request (as opposed to failures of ours or
    /// of the database).
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            Self::Schema(_)
                | Self::Timeout { .. }
                | Self::Database { .. }
                | Self::Busy { .. }
                | Self::Stalled { .. }
        )
    }

    /// For [`DataError::Busy`]: seconds after which to retry.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Busy {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// A database failure with its detail kept for the log.
    pub(crate) fn db(detail: impl std::fmt::Display) -> Self {
        Self::Database {
            detail: detail.to_string(),
        }
    }
}

/// Result of the data engine.
pub type Result<T, E = DataError> = std::result::Result<T, E>;
