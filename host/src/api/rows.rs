//! Dataset endpoints: list and rows.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::json;
use super::metrics::Q;
use crate::data::RowsQuery;
use crate::http::{AppState, HttpError, Params, Viewer};

/// `GET /api/v1/datasets`
pub(super) async fn list(
    State(state): State<AppState>,
    who: Viewer,
    q: Q,
) -> Result<Json<Value>, HttpError> {
    Params::new(q, &[])?;
    Ok(Json(json!({ "datasets": state.datasets_for(&who.user) })))
}

/// `GET /api/v1/datasets/{name}/rows?columns=a,b&filter=c:eq:v&order=a&desc=true&limit=50&offset=0`
pub(super) async fn rows(
    State(state): State<AppState>,
    who: Viewer,
    Path(name): Path<String>,
    q: Q,
) -> Result<Json<Value>, HttpError> {
    state
        .auth
        .data_access()
        .check_dataset(&who.user, &name)
        .map_err(|e| HttpError::forbidden(e.to_string()))?;
    let p = Params::new(
        q,
        &[
            "range", "from", "to", "columns", "filter", "order", "desc", "limit", "offset",
        ],
    )?;
    let query = RowsQuery {
        columns: p
            .get("columns")
            .map(|c| c.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        range: p.optional_range()?,
        filters: p.filters()?,
        order_by: p.get("order").map(str::to_string),
        descending: p.bool("desc")?,
        limit: p.number("limit")?,
        offset: p.number("offset")?.unwrap_or(0),
    };
    let d = state.data.rows(&name, &query).await?;
    Ok(Json(json!({
        "dataset": name,
        "label": d.label,
        "columns": d.schema,
        "rows": json::rows(&d.rows),
        "total_rows": d.total_rows,
        "offset": d.offset,
    })))
}
