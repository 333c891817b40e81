//! One error type for every web handler.
//!
//! Each domain error maps to a status and a message a person can act on;
//! internals are logged, never shown. HTML requests get a small page (or a
//! fragment for htmx), JSON requests get `{"error": "..."}`.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use maud::html;

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The request is malformed or asks for something invalid (400).
    #[error("{0}")]
    BadRequest(String),
    /// Not signed in (401).
    #[error("please sign in")]
    Unauthorized,
    /// Signed in, but not allowed (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such thing, or not visible to this user (404).
    #[error("{0}")]
    NotFound(String),
    /// A stale version or a duplicate (409).
    #[error("{0}")]
    Conflict(String),
    /// The body is too large (413).
    #[error("{0}")]
    TooLarge(String),
    /// Valid syntax, invalid content (422).
    #[error("{0}")]
    Unprocessable(String),
    /// Too many requests of this kind from this client or user (429);
    /// `Retry-After` says when to try again.
    #[error("{message}")]
    TooManyRequests {
        /// Shown to the user.
        message: String,
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The server is at capacity for this kind of request (503);
    /// `Retry-After` says when to try again.
    #[error("{message}")]
    Unavailable {
        /// Shown to the user.
        message: String,
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Something upstream failed: a database or plugin (502/504 are not
    /// used; the message says what failed without internals).
    #[error("{public}")]
    Internal {
        /// Shown to the user.
        public: String,
        /// Logged only.
        detail: String,
    },
}

impl AppError {
    /// An internal error: logs `detail`, shows a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Internal {
            public: "something went wrong on our side; it has been logged".into(),
            detail: detail.to_string(),
        }
    }

    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds the client should wait before retrying, for 429 and 503.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after, .. } | Self::Unavailable { retry_after, .. } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }

    /// Render as JSON (for `/api/v1`).
    pub fn into_json(self) -> Response {
        self.log();
        let status = self.status();
        let retry_after = self.retry_after();
        let mut response = (
            status,
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response();
        with_retry_after(&mut response, retry_after);
        response
    }

    fn log(&self) {
        if let Self::Internal { detail, .. } = self {
            tracing::error!(%detail, "request failed");
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let retry_after = self.retry_after();
        let body = html! {
            div.flash.error role="alert" {
                strong { (status.canonical_reason().unwrap_or("Error")) ": " }
                (self.to_string())
            }
        };
        let mut response = (status, body).into_response();
        with_retry_after(&mut response, retry_after);
        response
    }
}

/// Add `Retry-After: secs` when there is a wait to announce.
pub fn with_retry_after(response: &mut Response, secs: Option<u64>) {
    if let Some(secs) = secs {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, secs.max(1).into());
    }
}

/// A JSON API error: same mapping, JSON body.
#[derive(Debug)]
pub struct JsonError(pub AppError);

impl<E: Into<AppError>> From<E> for JsonError {
    fn from(err: E) -> Self {
        Self(err.into())
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        self.0.into_json()
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(err: crate::store::StoreError) -> Self {
        use crate::store::StoreError as E;
        match err {
            E::DuplicateUsername(_) | E::Conflict { .. } => Self::Conflict(err.to_string()),
            E::InvalidUsername(_) | E::InvalidDashboard(_) | E::InvalidBackup(_) => {
                Self::Unprocessable(err.to_string())
            }
            E::UserNotFound | E::DashboardNotFound | E::TokenNotFound | E::VersionNotFound(_) => {
                Self::NotFound(err.to_string())
            }
            other => Self::internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_details() {
        let err = AppError::internal("connection refused to 10.0.0.1:5432");
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!err.to_string().contains("10.0.0.1"));
    }

    #[test]
    fn user_errors_keep_their_message() {
        let err = AppError::Conflict("the dashboard changed; reload".into());
        assert_eq!(err.status(), StatusCode::CONFLICT);
        assert_eq!(err.to_string(), "the dashboard changed; reload");
    }
}
