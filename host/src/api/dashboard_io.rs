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
use serde_json::{Value, json};

use super::dashboards::to_json;
use crate::dashboards::Author;
use crate::http::{AppState, HttpError, JsonBody, Viewer, Writer, attachment};
use crate::store::SharingInput;

/// Largest import body (the document's own limit is 4 MiB; a little more
/// is read so an oversized one gets the document's clear message).
const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024 + 1;

/// Routes of the dashboard document, history and sharing.
pub(super) fn router() -> Router<AppState> {
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
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let doc = state.dashboards.export_document(&viewer.user, &id)?;
    Ok(attachment("application/json", &doc.file_name, doc.json))
}

async fn import(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    request: Request,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let bytes = to_bytes(request.into_body(), MAX_IMPORT_BYTES)
        .await
        .map_err(|_| HttpError::too_large("the dashboard document is larger than 4 MiB"))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| HttpError::bad_request("the dashboard document is not UTF-8"))?;
    let d = state.dashboards.import(&viewer.user, text)?;
    Ok((StatusCode::CREATED, Json(to_json(&d))))
}

async fn versions(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let history = state.dashboards.history(&viewer.user, &id)?;
    Ok(Json(Value::Array(
        history
            .versions
            .iter()
            .map(|kept| {
                let v = &kept.dashboard;
                json!({
                    "version": v.version,
                    "updated": v.note.at,
                    "author": match &kept.author {
                        Author::User(name) => Some(name.as_str()),
                        Author::Removed | Author::Unknown => None,
                    },
                    "author_id": v.note.author.as_ref().map(|a| a.as_str()),
                    "message": v.note.message,
                    "title": v.content.title,
                    "widgets": v.content.widgets.len(),
                    "current": v.version == history.current.version,
                })
            })
            .collect(),
    )))
}

async fn restore(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    let version: u64 = version
        .parse()
        .map_err(|_| HttpError::bad_request("the version must be a number"))?;
    let d = state.dashboards.restore(&viewer.user, &id, version)?;
    Ok(Json(to_json(&d)))
}

async fn sharing(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    JsonBody(sharing): JsonBody<SharingInput>,
) -> Result<Json<Value>, HttpError> {
    let saved = state
        .dashboards
        .set_sharing(&viewer.user, &id, sharing.into())?;
    Ok(Json(to_json(&saved)))
}
