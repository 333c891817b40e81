//! The HTTP edge under the pages and the JSON API: [`edge`] wraps their
//! routes (composed side by side by [`crate::app`]) in the security
//! layers over one [`AppState`].
//!
//! Shared by both and by nothing below them: the one error type
//! ([`HttpError`], with the status of every domain error in one place),
//! the signed-in-user extractors ([`Viewer`], [`Writer`]), the JSON body
//! extractor, strict query parameters, export requests read from query
//! strings, and downloads. Services never import this module.

use axum::{Router, middleware, routing::get};

mod download;
mod error;
mod export_query;
mod json;
mod params;
mod security;
mod session;
mod state;
mod status;
mod widget_params;

pub use download::{attachment, download};
pub use error::{HttpError, error_of, json_errors, with_retry_after};
pub use export_query::{dataset_request, view_request};
pub use json::{JsonBody, MAX_BODY_BYTES, MAX_BODY_DEPTH, nesting_depth};
pub use params::{Params, short};
pub use security::CONTENT_SECURITY_POLICY;
pub use session::{
    SESSION_COOKIE, Viewer, Writer, cookie_value, session_clear_cookie, session_cookie,
    session_set_cookie,
};
pub use state::AppState;
pub use widget_params::{WidgetParams, box_size, range_from};

/// `routes` served over `state`: a health check added, the same-origin
/// rule and the security headers around everything.
pub fn edge(routes: Router<AppState>, state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(routes)
        .layer(middleware::from_fn(security::same_origin))
        .layer(middleware::from_fn(security::headers))
        .with_state(state)
}
