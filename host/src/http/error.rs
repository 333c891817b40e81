//! [`HttpError`]: the one error type every page and API handler returns.
//!
//! It carries a status, a message a person can act on, optionally the
//! field of the input that is wrong, and for 429/503 when to retry.
//! Internals are logged, never shown. Pages get a small HTML flash (a
//! fragment for htmx); routes wrapped in [`json_errors`] (the whole
//! `/api/v1` tree and the grid's JSON posts) get `{"error", "field"}`.

use axum::{
    Json,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use maud::html;

/// What every internal failure shows.
const INTERNAL_MESSAGE: &str = "something went wrong on our side; it has been logged";

/// An error a handler returns: status, readable message, optional field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HttpError {
    status: StatusCode,
    message: String,
    field: Option<String>,
    retry_after: Option<u64>,
    /// Logged, never shown.
    detail: Option<String>,
}

impl HttpError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            field: None,
            retry_after: None,
            detail: None,
        }
    }

    /// The request is malformed or asks for something invalid (400).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// Not signed in (401).
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "please sign in")
    }

    /// Signed in, but not allowed (403).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// No such thing, or not visible to this user (404).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// A stale version or a duplicate (409).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// The body is too large (413).
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// Valid syntax, invalid content (422).
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// Too many requests of this kind from this client or user (429),
    /// with `Retry-After: retry_after`.
    pub fn too_many_requests(message: impl Into<String>, retry_after: u64) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, message).retry_after(retry_after)
    }

    /// At capacity for this kind of request (503), with `Retry-After`.
    pub fn unavailable(message: impl Into<String>, retry_after: u64) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message).retry_after(retry_after)
    }

    /// An upstream query ran out of time (504).
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(StatusCode::GATEWAY_TIMEOUT, message)
    }

    /// A failure of ours: logs `detail`, shows a generic message (500).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::internal_with(INTERNAL_MESSAGE, detail)
    }

    /// A failure of ours with a public `message` that names what failed
    /// (without internals); `detail` is logged (500).
    pub fn internal_with(message: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        let mut e = Self::new(StatusCode::INTERNAL_SERVER_ERROR, message);
        e.detail = Some(detail.to_string());
        e
    }

    /// The same error, naming the input field that is wrong.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    #[must_use]
    fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message shown to the user.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The input field that is wrong, if one is.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// Seconds the client should wait before retrying (429 and 503).
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after
    }

    /// Answer as `{"error": "...", "field": "..."}` (the field only when
    /// one is named).
    pub fn into_json_response(self) -> Response {
        self.log();
        self.json()
    }

    fn json(self) -> Response {
        let body = match &self.field {
            Some(field) => serde_json::json!({ "error": self.message, "field": field }),
            None => serde_json::json!({ "error": self.message }),
        };
        let mut response = (self.status, Json(body)).into_response();
        with_retry_after(&mut response, self.retry_after);
        response
    }

    fn log(&self) {
        if let Some(detail) = &self.detail {
            tracing::error!(%detail, status = %self.status, "request failed");
        }
    }
}

/// Marks a response as an [`HttpError`], so [`json_errors`] can re-answer
/// it as JSON. Holds no internals.
#[derive(Debug, Clone)]
struct ErrorMark(HttpError);

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status;
        let body = html! {
            div.flash.error role="alert" {
                strong { (status.canonical_reason().unwrap_or("Error")) ": " }
                (self.message)
            }
        };
        let mut response = (status, body).into_response();
        with_retry_after(&mut response, self.retry_after);
        let mut shown = self;
        shown.detail = None;
        response.extensions_mut().insert(ErrorMark(shown));
        response
    }
}

/// The [`HttpError`] a response answers, if it is one (without internals),
/// e.g. for the pages to re-answer it as a full page.
pub fn error_of(response: &Response) -> Option<&HttpError> {
    response
        .extensions()
        .get::<ErrorMark>()
        .map(|ErrorMark(e)| e)
}

/// Response mapper for JSON endpoints (`axum::middleware::map_response`):
/// an [`HttpError`] answer becomes its JSON form, and so does a plain-text
/// refusal from an extractor (a query string axum cannot read, say), so a
/// JSON client always gets `{"error": ...}`; anything else passes.
pub async fn json_errors(mut response: Response) -> Response {
    match response.extensions_mut().remove::<ErrorMark>() {
        Some(ErrorMark(error)) => error.json(),
        None if is_plain_refusal(&response) => {
            let (parts, body) = response.into_parts();
            let text = axum::body::to_bytes(body, MAX_REFUSAL_BYTES)
                .await
                .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
                .unwrap_or_default();
            let message = if text.is_empty() {
                parts
                    .status
                    .canonical_reason()
                    .unwrap_or("bad request")
                    .to_owned()
            } else {
                text
            };
            let mut json = HttpError::new(parts.status, message).json();
            if let Some(retry) = parts.headers.get(header::RETRY_AFTER) {
                json.headers_mut()
                    .insert(header::RETRY_AFTER, retry.clone());
            }
            json
        }
        None => response,
    }
}

/// Longest plain-text refusal turned into JSON (extractor messages are short).
const MAX_REFUSAL_BYTES: usize = 4096;

/// A 4xx answered as plain text.
fn is_plain_refusal(response: &Response) -> bool {
    response.status().is_client_error()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"))
}

/// Add `Retry-After: secs` when there is a wait to announce.
pub fn with_retry_after(response: &mut Response, secs: Option<u64>) {
    if let Some(secs) = secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, secs.max(1).into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_details() {
        let err = HttpError::internal("connection refused to 10.0.0.1:5432");
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!err.to_string().contains("10.0.0.1"));
    }

    #[test]
    fn user_errors_keep_their_message() {
        let err = HttpError::conflict("the dashboard changed; reload");
        assert_eq!(err.status(), StatusCode::CONFLICT);
        assert_eq!(err.to_string(), "the dashboard changed; reload");
    }

    #[tokio::test]
    async fn plain_text_refusals_become_json() {
        let refusal = (
            StatusCode::BAD_REQUEST,
            "Failed to deserialize query string: duplicate field `limit`",
        )
            .into_response();
        let response = json_errors(refusal).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            json["error"],
            "Failed to deserialize query string: duplicate field `limit`"
        );
        // Successful plain text is left alone.
        let ok = json_errors((StatusCode::OK, "fine").into_response()).await;
        assert!(
            ok.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
    }

    #[tokio::test]
    async fn json_endpoints_get_the_field_and_retry_after() {
        let response = HttpError::unprocessable("bad")
            .with_field("name")
            .into_response();
        let response = json_errors(response).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v, serde_json::json!({"error": "bad", "field": "name"}));
        let busy = json_errors(HttpError::unavailable("busy", 2).into_response()).await;
        assert_eq!(busy.headers()[header::RETRY_AFTER], "2");
    }
}
