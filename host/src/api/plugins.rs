//! `GET /api/v1/plugins/{id}/schema`: the one JSON Schema a widget's
//! config must fit (the plugin's keys plus the binding keys its data shape
//! needs, with the catalog's metrics, dimensions, datasets and columns), as
//! the editor, the dashboard API and import check it.

use axum::{
    Json, Router,
    extract::{Path, State},
    routing::get,
};

use crate::http::{AppState, HttpError, Viewer, short};

/// The schema route.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/plugins/{id}/schema", get(schema))
}

async fn schema(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, HttpError> {
    let schema = state.schemas.for_reader(&id, &viewer.user).ok_or_else(|| {
        HttpError::not_found(format!("there is no widget plugin `{}`", short(&id)))
    })?;
    Ok(Json(schema.json().clone()))
}
