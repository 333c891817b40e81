//! One error type for `/api/v1`: user mistakes become 4xx with a readable
//! `{"error": "..."}`; failures of ours or of the database are logged and
//! shown as a generic 500 (or 504 for a query that ran out of time).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::data::DataError;

/// An error of a JSON API handler.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// A malformed or invalid request parameter (400).
    #[error("{0}")]
    BadRequest(String),
    /// The API is not served on this address (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such route (404).
    #[error("{0}")]
    NotFound(String),
    /// The data engine refused or failed.
    #[error(transparent)]
    Data(#[from] DataError),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Data(DataError::UnknownMetric(_) | DataError::UnknownDataset(_)) => {
                StatusCode::NOT_FOUND
            }
            Self::Data(DataError::Timeout { .. }) => StatusCode::GATEWAY_TIMEOUT,
            Self::Data(e) if e.is_user_error() => StatusCode::BAD_REQUEST,
            Self::Data(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            // The detail (SQL errors, hosts) goes to the log only.
            tracing::error!(error = ?self, "API request failed");
            "something went wrong on our side; it has been logged".to_string()
        } else {
            self.to_string()
        };
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_details_never_reach_the_client() {
        let e = ApiError::from(DataError::Database {
            detail: "relation \"x\" at 10.0.0.1".into(),
        });
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let e = ApiError::from(DataError::UnknownMetric("nope".into()));
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        let e = ApiError::from(DataError::BadRange("x".into()));
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
    }
}
