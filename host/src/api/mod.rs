//! The `/api/v1` JSON handlers: thin adapters over [`crate::data::DataEngine`].
//!
//! - `GET /api/v1/metrics`, `GET /api/v1/datasets`
//! - `GET /api/v1/metrics/{name}/value?range=30d&sparkline=true`
//! - `GET /api/v1/metrics/{name}/series?range=30d&bucket=day&compare=previous`
//! - `GET /api/v1/series?metrics=a,b&range=30d&bucket=month` (one scan)
//! - `GET /api/v1/metrics/{name}/categories?range=30d&by=status&top=5`
//! - `/api/v1/alerts`: see [`alerts`]
//! - `GET /api/v1/plugins/{id}/schema`: a widget plugin's one config schema
//! - `GET /api/v1/datasets/{name}/rows?columns=id,status&filter=status:eq:error&order=id&desc=true&limit=50&offset=0`
//! - `GET /api/v1/export?dataset=orders&format=csv&range=30d`, `GET /api/v1/dashboards/{id}/export?format=pdf`
//!   (see [`export`])
//!
//! Ranges are `range=` (e.g. `24h`, `30d`, `this_month`, `previous_month`)
//! or `from=`/`to=` (RFC 3339 or `YYYY-MM-DD`, a `to` date included).
//! Errors are `{"error": "..."}` with a 4xx status for request mistakes.
//!
//! Errors are [`crate::http::HttpError`]s answered as JSON by the
//! [`crate::http::json_errors`] layer over this whole router.
//!
//! Every route needs a signed-in caller: the session cookie (writes also
//! carry the `X-CSRF-Token` header) or `Authorization: Bearer <token>`.
//! What a caller may see follows the same rules as the pages.

use axum::Router;
use axum::middleware::map_response;
use axum::routing::get;

use crate::http::{AppState, HttpError, json_errors, short};

mod alerts;
mod dashboard_io;
mod dashboards;
mod export;
mod json;
mod metrics;
mod plugins;
mod rows;
mod widgets;

/// The `/api/v1` routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(dashboards::router())
        .merge(dashboard_io::router())
        .merge(export::router())
        .merge(alerts::router())
        .merge(widgets::router())
        .merge(plugins::router())
        .route("/api/v1/metrics", get(metrics::list))
        .route("/api/v1/metrics/{name}/value", get(metrics::value))
        .route("/api/v1/metrics/{name}/series", get(metrics::series))
        .route("/api/v1/series", get(metrics::series_many))
        .route(
            "/api/v1/metrics/{name}/categories",
            get(metrics::categories),
        )
        .route("/api/v1/datasets", get(rows::list))
        .route("/api/v1/datasets/{name}/rows", get(rows::rows))
        .merge(crate::openapi::router())
        // Unknown API paths answer JSON too (a router fallback would also
        // catch the HTML pages).
        .route("/api/v1/{*rest}", get(not_found))
        .layer(map_response(json_errors))
}

async fn not_found(uri: axum::http::Uri) -> HttpError {
    HttpError::not_found(format!("no API route `{}`", short(uri.path())))
}
