//! Metric endpoints: list, value, series, categories.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};

use super::json;
use crate::data::BucketSpec;
use crate::http::{AppState, HttpError, Params, Viewer};

pub(super) type Q = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// `GET /api/v1/metrics`
pub(super) async fn list(
    State(state): State<AppState>,
    who: Viewer,
    q: Q,
) -> Result<Json<Value>, HttpError> {
    Params::new(q, &[])?;
    Ok(Json(json!({ "metrics": state.metrics_for(&who.user) })))
}

/// Refuse (403) a metric whose dataset `who` may not read.
fn check(state: &AppState, who: &Viewer, metric: &str) -> Result<(), HttpError> {
    state
        .auth
        .data_access()
        .check_metric(&who.user, metric)
        .map_err(|e| HttpError::forbidden(e.to_string()))
}

/// `GET /api/v1/metrics/{name}/value?range=30d&sparkline=true`
pub(super) async fn value(
    State(state): State<AppState>,
    who: Viewer,
    Path(name): Path<String>,
    q: Q,
) -> Result<Json<Value>, HttpError> {
    check(&state, &who, &name)?;
    let p = Params::new(q, &["range", "from", "to", "sparkline"])?;
    let range = p.range()?;
    let (d, by) = state
        .data
        .scalar_traced(&name, &range, p.bool("sparkline")?)
        .await?;
    let change = match (d.value, d.previous) {
        (Some(v), Some(prev)) if prev != 0.0 => Some((v - prev) / prev.abs() * 100.0),
        _ => None,
    };
    Ok(Json(json!({
        "metric": name,
        "label": d.label,
        "range": range.to_string(),
        "value": d.value,
        "previous": d.previous,
        "change_percent": change,
        "format": d.format,
        "sparkline": d.sparkline.as_ref().map(json::series),
        "answered_by": by.path(),
        "rollup": by.rollup(),
    })))
}

/// `GET /api/v1/metrics/{name}/series?range=30d&bucket=day&compare=previous`
pub(super) async fn series(
    State(state): State<AppState>,
    who: Viewer,
    Path(name): Path<String>,
    q: Q,
) -> Result<Json<Value>, HttpError> {
    check(&state, &who, &name)?;
    let p = Params::new(q, &["range", "from", "to", "bucket", "compare"])?;
    let range = p.range()?;
    let bucket: BucketSpec = p.get("bucket").unwrap_or("auto").parse()?;
    let compare = compare_previous(&p)?;
    let (d, by) = state
        .data
        .series_traced(&name, &range, bucket, compare)
        .await?;
    Ok(Json(json!({
        "metric": name,
        "label": d.label,
        "range": range.to_string(),
        "bucket": d.bucket,
        "points": json::series(&d.points),
        "previous": d.previous.as_ref().map(json::series),
        "partial": d.partial.current,
        "previous_partial": d.partial.previous,
        "format": d.format,
        "answered_by": by.path(),
        "rollup": by.rollup(),
    })))
}

/// `GET /api/v1/series?metrics=a,b&range=30d&bucket=month&compare=previous`:
/// several metrics' series over one range, read in one scan per dataset.
pub(super) async fn series_many(
    State(state): State<AppState>,
    who: Viewer,
    q: Q,
) -> Result<Json<Value>, HttpError> {
    let p = Params::new(q, &["metrics", "range", "from", "to", "bucket", "compare"])?;
    let names: Vec<String> = p
        .get("metrics")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect();
    if names.is_empty() || names.len() > MAX_SERIES {
        return Err(HttpError::bad_request(format!(
            "`metrics` must name 1 to {MAX_SERIES} metrics, comma-separated"
        )));
    }
    // Every metric asked for, like each single-metric route does: one the
    // caller may not read refuses the whole request.
    for name in &names {
        check(&state, &who, name)?;
    }
    let range = p.range()?;
    let bucket: BucketSpec = p.get("bucket").unwrap_or("auto").parse()?;
    let compare = compare_previous(&p)?;
    let all = state
        .data
        .series_many(&names, &range, bucket, compare)
        .await?;
    let series: Vec<Value> = names
        .iter()
        .zip(&all)
        .map(|(name, (d, by))| {
            json!({
                "metric": name,
                "label": d.label,
                "bucket": d.bucket,
                "points": json::series(&d.points),
                "previous": d.previous.as_ref().map(json::series),
                "partial": d.partial.current,
                "previous_partial": d.partial.previous,
                "format": d.format,
                "answered_by": by.path(),
                "rollup": by.rollup(),
            })
        })
        .collect();
    Ok(Json(json!({
        "range": range.to_string(),
        "series": series,
    })))
}

/// Metrics one `/api/v1/series` request may name.
const MAX_SERIES: usize = 20;

/// `compare=previous|none`.
fn compare_previous(p: &Params) -> Result<bool, HttpError> {
    match p.get("compare") {
        None | Some("none") => Ok(false),
        Some("previous") => Ok(true),
        Some(_) => Err(HttpError::bad_request(
            "`compare` must be `previous` or `none`",
        )),
    }
}

/// `GET /api/v1/metrics/{name}/categories?range=30d&by=status&top=5`
pub(super) async fn categories(
    State(state): State<AppState>,
    who: Viewer,
    Path(name): Path<String>,
    q: Q,
) -> Result<Json<Value>, HttpError> {
    check(&state, &who, &name)?;
    let p = Params::new(q, &["range", "from", "to", "by", "top"])?;
    let range = p.range()?;
    let by = p
        .get("by")
        .ok_or_else(|| HttpError::bad_request("`by` (the dimension to group by) is required"))?;
    let top = p.number::<u32>("top")?.unwrap_or(5);
    let (d, by) = state.data.categories_traced(&name, &range, by, top).await?;
    Ok(Json(json!({
        "metric": name,
        "label": d.label,
        "range": range.to_string(),
        "dimension": d.dimension,
        "labels": d.labels,
        "values": d.values,
        "format": d.format,
        "answered_by": by.path(),
        "rollup": by.rollup(),
    })))
}
