//! The dashboard JSON document, history and sharing in the JSON API, with
//! the same rules as the pages:
//!
//! - `GET /api/v1/dashboards/{id}/json`: the schema-versioned document
//! - `POST /api/v1/dashboards/import`: body is such a document; 201 with
//!   the new dashboard; every widget is checked against its plugin's schema
//!   and a refused import stores nothing
//! - `GET /api/v1/dashboards/{id}/versions`: the kept versions, newest first
//! - `POST /api/v1/dashboards/{id}/versions/{version}/restore`
//! - `PUT /api/v1/dashboards/{id}/sharing`: `{"mode": "private"}`,
//!   `{"mode": "read_only", "role": "viewer"}` or `{"mode": "editable", ...}`

use axum::{
    Json, Router,
    body::to_bytes,
    extract::{DefaultBodyLimit, Path, Request, State},
    http::StatusCode,
    response::Response,
    routing::{get, post, put},
};
use chrono::Utc;
use serde_json::{Value, json};

use super::dashboards::{ApiJson, to_json};
use crate::auth::Action;
use crate::store::Sharing;
use crate::web::dashboard_io::{export_response, import_as};
use crate::web::session::{ApiViewer, ApiWriter};
use crate::web::versions::{history_dashboard, restore_version};
use crate::web::widgets::visible_dashboard;
use crate::web::{AppError, AppState, JsonError};

/// Largest import body (the document's own limit is 4 MiB; a little more
/// is read so an oversized one gets the document's clear message).
const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024 + 1;

/// Routes of the dashboard document, history and sharing.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboards/{id}/json", get(export))
        .route(
            "/api/v1/dashboards/import",
            post(import).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/v1/dashboards/{id}/versions", get(versions))
        .route(
            "/api/v1/dashboards/{id}/versions/{version}/restore",
            post(restore),
        )
        .route("/api/v1/dashboards/{id}/sharing", put(sharing))
}

async fn export(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> Result<Response, JsonError> {
    Ok(export_response(&state, &viewer, &id)?)
}

async fn import(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    request: Request,
) -> Result<(StatusCode, Json<Value>), JsonError> {
    let bytes = to_bytes(request.into_body(), MAX_IMPORT_BYTES)
        .await
        .map_err(|_| AppError::TooLarge("the dashboard document is larger than 4 MiB".into()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| AppError::BadRequest("the dashboard document is not UTF-8".into()))?;
    let d = import_as(&state, &viewer, text)?;
    Ok((StatusCode::CREATED, Json(to_json(&d))))
}

async fn versions(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> Result<Json<Value>, JsonError> {
    let d = history_dashboard(&state, &viewer, &id)?;
    let kept = state.auth.store().dashboard_versions(&d.id)?;
    Ok(Json(Value::Array(
        kept.iter()
            .map(|v| {
                json!({
                    "version": v.version,
                    "updated": v.updated,
                    "title": v.content.title,
                    "widgets": v.content.widgets.len(),
                    "current": v.version == d.version,
                })
            })
            .collect(),
    )))
}

async fn restore(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<Value>, JsonError> {
    let version: u64 = version
        .parse()
        .map_err(|_| AppError::BadRequest("the version must be a number".into()))?;
    let d = restore_version(&state, &viewer, &id, version)?;
    Ok(Json(to_json(&d)))
}

async fn sharing(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    Path(id): Path<String>,
    ApiJson(sharing): ApiJson<Sharing>,
) -> Result<Json<Value>, JsonError> {
    let d = visible_dashboard(&state, &viewer, &id, Action::Share)?;
    let saved = state.auth.store().set_sharing(&d.id, sharing, Utc::now())?;
    Ok(Json(to_json(&saved)))
}
