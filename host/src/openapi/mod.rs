//! The OpenAPI 3.1 document of `/api/v1`, served at
//! `/api/v1/openapi.json` (without authentication: it holds no data).
//!
//! Clients can be generated from it, it can be browsed with any OpenAPI
//! viewer, and CI fuzzes every operation with schemathesis against a demo
//! server (`.ci/schemathesis.sh`). A unit test reads the routers' source
//! and fails when a served `/api/v1` route is missing from the document.
//!
//! ```
//! let doc = wasmdash::openapi::document();
//! assert!(doc.paths.paths.contains_key("/api/v1/metrics"));
//! ```

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi as _;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

mod paths;
mod refusals;
mod schemas;

/// Where the document is served (the route in [`router`] spells it out,
/// so the route scan of the tests finds it).
pub const PATH: &str = "/api/v1/openapi.json";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "wasmdash API",
        description = "Metrics, datasets, dashboards, exports and alerts of a wasmdash server. \
            Authenticate with `Authorization: Bearer <token>` (create one on the API tokens page \
            or with `wasmdash token create`) or the session cookie (writes then also send \
            `X-CSRF-Token`). A read-only token gets 403 on every write. Errors are \
            `{\"error\": \"...\"}` with a 4xx or 5xx status."
    ),
    modifiers(&Security),
    tags(
        (name = "metrics", description = "Declared metrics, aggregated in the database."),
        (name = "datasets", description = "Rows of declared datasets."),
        (name = "dashboards", description = "Dashboards, their history, sharing and widgets."),
        (name = "exports", description = "Files through exporter plugins, streamed."),
        (name = "alerts", description = "Alerts on metrics and their history."),
        (name = "meta", description = "This document."),
    )
)]
struct ApiDoc;

/// Adds the two ways to authenticate.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("wdt_<64 hex digits>")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("wasmdash_session"))),
        );
    }
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.merge(paths::Paths::openapi());
    doc
}

/// The document as JSON.
pub fn json() -> String {
    // Serializing a document of plain maps and strings cannot fail.
    document().to_pretty_json().unwrap_or_default()
}

/// The route serving the document.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    Router::new().route(
        "/api/v1/openapi.json",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "application/json")],
                JSON.get_or_init(json).as_str(),
            )
                .into_response()
        }),
    )
}

#[cfg(test)]
mod tests;
