//! Export endpoints: a dataset, a dashboard report or one widget, as a
//! download streamed by an exporter plugin.
//!
//! - `GET /api/v1/export?dataset=orders&format=csv&range=30d&filter=status:eq:error&columns=id,status&order=id&desc=true&options={"delimiter":";"}`
//!   (or `metric=NAME` for a metric's series)
//! - `GET /api/v1/dashboards/{id}/export?format=pdf&range=30d`
//! - `GET /api/v1/dashboards/{id}/widgets/{widget}/export?format=json&range=7d`
//!
//! Everything is checked before the first byte: an unknown format,
//! dataset, column, filter or range, or options the exporter refuses, is a
//! 4xx JSON error. Dashboards follow the viewing rules (export needs the
//! same access as viewing); datasets, like `/api/v1/datasets`, are open to
//! every signed-in caller.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;

use super::metrics::Q;
use crate::auth::Action;
use crate::dashboards::DashboardsError;
use crate::export::ExportSource;
use crate::http::{AppState, HttpError, Viewer, dataset_request, download, view_request};

/// Routes of the export API.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/export", get(dataset))
        .route("/api/v1/dashboards/{id}/export", get(dashboard))
        .route(
            "/api/v1/dashboards/{id}/widgets/{widget}/export",
            get(widget),
        )
}

fn pairs(q: Q) -> Result<Vec<(String, String)>, HttpError> {
    q.map(|Query(p)| p)
        .map_err(|e| HttpError::bad_request(format!("bad query string: {e}")))
}

async fn dataset(State(state): State<AppState>, who: Viewer, q: Q) -> Result<Response, HttpError> {
    let req = dataset_request(pairs(q)?)?;
    Ok(download(state.exports.start(&who.user, req).await?))
}

async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    q: Q,
) -> Result<Response, HttpError> {
    let d = state
        .dashboards
        .visible(&viewer.user, &id, Action::Export)?;
    let source = ExportSource::Dashboard {
        title: d.content.title,
        widgets: d.content.widgets,
    };
    let req = view_request(pairs(q)?, source)?;
    Ok(download(state.exports.start(&viewer.user, req).await?))
}

async fn widget(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, widget)): Path<(String, String)>,
    q: Q,
) -> Result<Response, HttpError> {
    let d = state
        .dashboards
        .visible(&viewer.user, &id, Action::Export)?;
    let w = d
        .widget(&widget)
        .cloned()
        .ok_or(DashboardsError::NoSuchWidget)?;
    let req = view_request(pairs(q)?, ExportSource::Widget(w))?;
    Ok(download(state.exports.start(&viewer.user, req).await?))
}
