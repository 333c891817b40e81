//! `/api/v1/alerts`: the alerts the pages show, as JSON, with the same
//! ownership rules as dashboards (owner or admin; anyone else gets 404).
//!
//! - `GET /api/v1/alerts`, `POST /api/v1/alerts` (body: an alert draft)
//! - `GET|PUT|DELETE /api/v1/alerts/{id}` (PUT: the draft plus the
//!   `version` it edits; a stale one is 409)
//! - `POST /api/v1/alerts/{id}/test` (optional body
//!   `{"send_test_email": true}`): evaluate now, save nothing
//! - `GET /api/v1/alerts/{id}/history?limit=N`: newest first
//!
//! A draft is `{"name", "metric", "rule", "rule_config", "range",
//! "recipients", "schedule", "enabled", "pending_count",
//! "repeat_interval_minutes", "notify_on_resolve", "on_no_data",
//! "on_error", "dashboard"}`; unknown fields are refused. An invalid field
//! is a 422 `{"error": "...", "field": "..."}`.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::alerts::{AlertDraft, AlertId, TestTarget};
use crate::http::{AppState, HttpError, JsonBody, MAX_BODY_BYTES, Viewer, Writer};

/// History entries returned when `limit` is not given.
const DEFAULT_HISTORY_LIMIT: usize = 100;

/// Routes of the alert API.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alerts", get(list).post(create))
        .route("/api/v1/alerts/{id}", get(show).put(update).delete(delete))
        .route("/api/v1/alerts/{id}/test", post(test))
        .route("/api/v1/alerts/{id}/history", get(history))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

type ApiResult<T> = Result<T, HttpError>;

fn id_of(raw: &str) -> AlertId {
    AlertId::from_string(raw)
}

fn bad_json(e: &serde_json::Error) -> HttpError {
    HttpError::bad_request(format!("the JSON body is invalid: {e}"))
}

async fn list(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<Value>> {
    let views = state.alerts.list(&viewer.user)?;
    Ok(Json(Value::Array(
        views.iter().map(|v| v.to_json()).collect(),
    )))
}

async fn create(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let draft: AlertDraft = serde_json::from_value(body).map_err(|e| bad_json(&e))?;
    let alert = state.alerts.create(&viewer.user, draft).await?;
    let view = state.alerts.get(&alert.id, &viewer.user)?;
    Ok((StatusCode::CREATED, Json(view.to_json())))
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(state.alerts.get(&id_of(&id), &viewer.user)?.to_json()))
}

async fn update(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let id = id_of(&id);
    // Refuse callers who may not see the alert before judging the body.
    state.alerts.get(&id, &viewer.user)?;
    let Value::Object(mut fields) = body else {
        return Err(HttpError::bad_request("the body must be a JSON object"));
    };
    let version = match fields.remove("version") {
        Some(v) => v
            .as_u64()
            .ok_or_else(|| HttpError::bad_request("`version` must be a whole number"))?,
        None => {
            return Err(HttpError::bad_request(
                "say which `version` you edited (optimistic concurrency)",
            ));
        }
    };
    let draft: AlertDraft =
        serde_json::from_value(Value::Object(fields)).map_err(|e| bad_json(&e))?;
    state
        .alerts
        .update(&id, &viewer.user, draft, version)
        .await?;
    Ok(Json(state.alerts.get(&id, &viewer.user)?.to_json()))
}

async fn delete(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.alerts.delete(&id_of(&id), &viewer.user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST .../test` (may be empty).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestBody {
    #[serde(default)]
    send_test_email: bool,
}

async fn test(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let body: TestBody = if body.iter().all(u8::is_ascii_whitespace) {
        TestBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| bad_json(&e))?
    };
    let outcome = state
        .alerts
        .test_now(
            TestTarget::Alert(id_of(&id)),
            &viewer.user,
            body.send_test_email,
        )
        .await?;
    Ok(Json(json!(outcome)))
}

/// `?limit=N` of the history.
#[derive(Debug, Deserialize)]
struct HistoryParams {
    #[serde(default)]
    limit: Option<String>,
}

async fn history(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(params): Query<HistoryParams>,
) -> ApiResult<Json<Value>> {
    let limit = match params.limit.as_deref() {
        None => Some(DEFAULT_HISTORY_LIMIT),
        Some(text) => text.parse().ok(),
    }
    .unwrap_or(0);
    if limit == 0 || limit > crate::alerts::MAX_HISTORY_LIMIT {
        return Err(HttpError::bad_request(format!(
            "`limit` must be 1..={}",
            crate::alerts::MAX_HISTORY_LIMIT
        )));
    }
    let entries = state.alerts.history(&id_of(&id), &viewer.user, limit)?;
    Ok(Json(json!({ "entries": entries })))
}
