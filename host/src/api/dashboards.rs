//! `/api/v1/dashboards`: the same dashboards the pages show, as JSON, with
//! the same ownership rules (a dashboard the caller may not see is 404).
//!
//! - `GET /api/v1/dashboards`, `POST /api/v1/dashboards`
//! - `GET|PUT|DELETE /api/v1/dashboards/{id}` (PUT names the `version` it
//!   edits; a stale one is 409)

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::get,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Action;
use crate::http::{AppState, HttpError, JsonBody, MAX_BODY_BYTES, Viewer, Writer};
use crate::store::{Dashboard, DashboardContent, Layout, Widget};

/// Routes of the dashboard API.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboards", get(list).post(create))
        .route(
            "/api/v1/dashboards/{id}",
            get(show).put(update).delete(delete),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// A dashboard as the API shows it.
pub(super) fn to_json(d: &Dashboard) -> Value {
    json!({
        "id": d.id.as_str(),
        "owner": d.owner.as_str(),
        "version": d.version,
        "sharing": d.sharing,
        "created": d.created,
        "updated": d.updated,
        "title": d.content.title,
        "layout": d.content.layout,
        "widgets": d.content.widgets,
    })
}

/// Body of `POST` and `PUT`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DashboardBody {
    /// The version edited (PUT only).
    #[serde(default)]
    version: Option<u64>,
    title: String,
    #[serde(default = "grid")]
    layout: Layout,
    #[serde(default)]
    widgets: Vec<Widget>,
    /// Why (PUT only): kept with the new version in its history.
    #[serde(default)]
    message: Option<String>,
}

fn grid() -> Layout {
    Layout::Grid
}

fn content_of(body: DashboardBody) -> DashboardContent {
    DashboardContent {
        title: body.title.trim().to_owned(),
        layout: body.layout,
        widgets: body.widgets,
    }
}

async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Json<Value>, HttpError> {
    let visible = state.dashboards.list(&viewer.user)?;
    Ok(Json(Value::Array(visible.iter().map(to_json).collect())))
}

async fn create(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    JsonBody(body): JsonBody<DashboardBody>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let d = state.dashboards.create(&viewer.user, content_of(body))?;
    Ok((StatusCode::CREATED, Json(to_json(&d))))
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::View)?;
    Ok(Json(to_json(&d)))
}

async fn update(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DashboardBody>,
) -> Result<Json<Value>, HttpError> {
    // Visibility first: a dashboard the caller may not edit says so
    // before anything about the body.
    state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let version = body.version.ok_or_else(|| {
        HttpError::bad_request("say which `version` you edited (optimistic concurrency)")
    })?;
    let message = body.message.clone();
    let saved = state.dashboards.update(
        &viewer.user,
        &id,
        version,
        &content_of(body),
        message.as_deref(),
    )?;
    Ok(Json(to_json(&saved)))
}

async fn delete(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    state.dashboards.delete(&viewer.user, &id)?;
    Ok(StatusCode::NO_CONTENT)
}
