//! `/metrics` on the main address: the Prometheus text for administrators
//! (a bearer token in the scraper's config). A scraper without a token uses
//! `[server] metrics_listen` instead.

use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};

use crate::auth::can_manage_users;
use crate::http::{AppState, HttpError, Viewer};

/// The route.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, HttpError> {
    if !can_manage_users(&viewer.user) {
        return Err(HttpError::forbidden("metrics are for administrators"));
    }
    let alerts = state.alerts.clone();
    let text = tokio::task::spawn_blocking(move || crate::telemetry::render(&alerts))
        .await
        .map_err(HttpError::internal)?;
    Ok((
        [(header::CONTENT_TYPE, crate::telemetry::CONTENT_TYPE)],
        text,
    ))
}
