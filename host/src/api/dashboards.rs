//! `/api/v1/dashboards`: the same dashboards the pages show, as JSON, with
//! the same ownership rules (a dashboard the caller may not see is 404).
//!
//! - `GET /api/v1/dashboards`, `POST /api/v1/dashboards`
//! - `GET|PUT|DELETE /api/v1/dashboards/{id}` (PUT names the `version` it
//!   edits; a stale one is 409)
//!
//! Bodies are read into strict input types: a key that is not part of the
//! body (a misspelt one, `version` on `POST`) is refused by name instead of
//! being dropped; `message` goes with the version a `POST` or `PUT` makes.

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
use crate::store::{Dashboard, DashboardContent, LayoutInput, Widget, WidgetInput};

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

/// Body of `POST`: a new dashboard, at version 1; `message` goes with
/// that first version. A `version` here is refused by name: there is none
/// to edit yet.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDashboardBody {
    title: String,
    #[serde(default = "grid")]
    layout: LayoutInput,
    #[serde(default)]
    widgets: Vec<WidgetInput>,
    /// Why: kept with the first version in its history.
    #[serde(default)]
    message: Option<String>,
}

/// Body of `PUT`: the new content and the version it was edited from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DashboardBody {
    /// The version edited (a stale one is a conflict). Optional for serde,
    /// so a missing one gets a readable answer.
    #[serde(default)]
    version: Option<u64>,
    title: String,
    #[serde(default = "grid")]
    layout: LayoutInput,
    #[serde(default)]
    widgets: Vec<WidgetInput>,
    /// Why: kept with the new version in its history.
    #[serde(default)]
    message: Option<String>,
}

fn grid() -> LayoutInput {
    LayoutInput::Grid {}
}

fn content_of(title: &str, layout: LayoutInput, widgets: Vec<WidgetInput>) -> DashboardContent {
    DashboardContent {
        title: title.trim().to_owned(),
        layout: layout.into(),
        widgets: widgets.into_iter().map(Widget::from).collect(),
    }
}

async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Json<Value>, HttpError> {
    let visible = state.dashboards.list(&viewer.user)?;
    Ok(Json(Value::Array(visible.iter().map(to_json).collect())))
}

async fn create(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    JsonBody(body): JsonBody<NewDashboardBody>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let content = content_of(&body.title, body.layout, body.widgets);
    let d = state
        .dashboards
        .create(&viewer.user, content, body.message.as_deref())?;
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
    let content = content_of(&body.title, body.layout, body.widgets);
    let saved = state.dashboards.update(
        &viewer.user,
        &id,
        version,
        &content,
        body.message.as_deref(),
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
