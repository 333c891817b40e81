//! Observability: Prometheus metrics and the HTTP middleware that counts
//! requests.
//!
//! The libraries record through the `metrics` facade (plugin calls and
//! slots in `wasmdash-plugins`, SQL statements and cache lookups in
//! `wasmdash-data`, SMTP deliveries in [`crate::alerts`]); this module
//! installs the one process-wide Prometheus recorder those records go to,
//! sets the gauges that are read from the store when scraped (outbox,
//! alert states), and renders the text format. `docs/operations.md` lists
//! every metric.
//!
//! ```no_run
//! # fn demo(alerts: &wasmdash::alerts::AlertService) {
//! wasmdash::telemetry::install();
//! let text = wasmdash::telemetry::render(alerts);
//! assert!(text.is_empty() || text.contains("# TYPE"));
//! # }
//! ```

mod http;
mod recorder;

pub use http::{HTTP_REQUESTS, HTTP_SECONDS, track};
pub use recorder::{install, render};

/// The Prometheus text format's content type.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A router serving only `GET /metrics`, without authentication, for the
/// separate `[server] metrics_listen` address (keep it off the public
/// network: it is meant for the scraper).
pub fn router(alerts: std::sync::Arc<crate::alerts::AlertService>) -> axum::Router {
    use axum::routing::get;
    axum::Router::new().route(
        "/metrics",
        get(move || {
            let alerts = alerts.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, CONTENT_TYPE)],
                    render(&alerts),
                )
            }
        }),
    )
}
