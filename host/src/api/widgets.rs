//! `GET /api/v1/dashboards/{id}/widgets/{widget}/html?range=…`: one
//! widget's sanitized HTML (or its error card), as the page shows it.

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    routing::get,
};

use crate::auth::Action;
use crate::http::{AppState, HttpError, Viewer, WidgetParams};

/// The widget HTML route.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/dashboards/{id}/widgets/{widget}/html", get(html))
}

async fn html(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, widget_id)): Path<(String, String)>,
    Query(params): Query<WidgetParams>,
) -> Result<Json<serde_json::Value>, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::View)?;
    let (widget, body) = state
        .widgets
        .view(&viewer.user, &d, &widget_id, params.view_request())
        .await?;
    Ok(Json(serde_json::json!({
        "widget": widget.id,
        "title": widget.title,
        "plugin": widget.plugin,
        "html": body.into_string(),
    })))
}
