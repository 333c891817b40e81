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
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::dashboards::ApiJson;
use crate::alerts::{AlertDraft, AlertError, AlertView, TestTarget};
use crate::web::session::{ApiViewer, ApiWriter};
use crate::web::{AppError, AppState};

/// Largest JSON body the alert API accepts (as the dashboard API, so
/// [`ApiJson`]'s message names the right limit).
pub const MAX_BODY_BYTES: usize = super::dashboards::MAX_BODY_BYTES;

/// History entries returned when `limit` is not given.
pub const DEFAULT_HISTORY_LIMIT: usize = 100;

/// Routes of the alert API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alerts", get(list).post(create))
        .route("/api/v1/alerts/{id}", get(show).put(update).delete(delete))
        .route("/api/v1/alerts/{id}/test", post(test))
        .route("/api/v1/alerts/{id}/history", get(history))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// An error of the alert API: an invalid field also names the field.
#[derive(Debug)]
pub struct AlertApiError(AppError, Option<String>);

impl From<AlertError> for AlertApiError {
    fn from(err: AlertError) -> Self {
        let field = match &err {
            AlertError::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        };
        Self(err.into(), field)
    }
}

impl From<AppError> for AlertApiError {
    fn from(err: AppError) -> Self {
        Self(err, None)
    }
}

impl From<crate::web::JsonError> for AlertApiError {
    fn from(err: crate::web::JsonError) -> Self {
        Self(err.0, None)
    }
}

impl IntoResponse for AlertApiError {
    fn into_response(self) -> Response {
        match self.1 {
            Some(field) => (
                self.0.status(),
                Json(json!({ "error": self.0.to_string(), "field": field })),
            )
                .into_response(),
            None => self.0.into_json(),
        }
    }
}

type ApiResult<T> = Result<T, AlertApiError>;

/// An alert as the API shows it: the draft's fields, plus id, owner,
/// version, times and the live `status`.
pub fn to_json(view: &AlertView) -> Value {
    let a = &view.alert;
    let mut out = serde_json::to_value(&a.draft).unwrap_or_else(|_| json!({}));
    if let Some(map) = out.as_object_mut() {
        map.insert("id".into(), json!(a.id.as_str()));
        map.insert("owner".into(), json!(a.owner.as_str()));
        map.insert("version".into(), json!(a.version));
        map.insert("created".into(), json!(a.created));
        map.insert("updated".into(), json!(a.updated));
        map.insert("status".into(), json!(view.status));
    }
    out
}

fn id_of(raw: &str) -> crate::alerts::AlertId {
    crate::alerts::AlertId::from_string(raw)
}

fn bad_json(e: &serde_json::Error) -> AlertApiError {
    AppError::BadRequest(format!("the JSON body is invalid: {e}")).into()
}

async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Value>> {
    let views = state.alerts.list(&viewer.user)?;
    Ok(Json(Value::Array(views.iter().map(to_json).collect())))
}

async fn create(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let draft: AlertDraft = serde_json::from_value(body).map_err(|e| bad_json(&e))?;
    let alert = state.alerts.create(&viewer.user, draft).await?;
    let view = state.alerts.get(&alert.id, &viewer.user)?;
    Ok((StatusCode::CREATED, Json(to_json(&view))))
}

async fn show(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(to_json(&state.alerts.get(&id_of(&id), &viewer.user)?)))
}

async fn update(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let id = id_of(&id);
    // Refuse callers who may not see the alert before judging the body.
    state.alerts.get(&id, &viewer.user)?;
    let Value::Object(mut fields) = body else {
        return Err(AppError::BadRequest("the body must be a JSON object".into()).into());
    };
    let version = match fields.remove("version") {
        Some(v) => v
            .as_u64()
            .ok_or_else(|| AppError::BadRequest("`version` must be a whole number".into()))?,
        None => {
            return Err(AppError::BadRequest(
                "say which `version` you edited (optimistic concurrency)".into(),
            )
            .into());
        }
    };
    let draft: AlertDraft =
        serde_json::from_value(Value::Object(fields)).map_err(|e| bad_json(&e))?;
    state
        .alerts
        .update(&id, &viewer.user, draft, version)
        .await?;
    Ok(Json(to_json(&state.alerts.get(&id, &viewer.user)?)))
}

async fn delete(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
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
    ApiWriter(viewer): ApiWriter,
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
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    Query(params): Query<HistoryParams>,
) -> ApiResult<Json<Value>> {
    let limit = match params.limit.as_deref() {
        None => Some(DEFAULT_HISTORY_LIMIT),
        Some(text) => text.parse().ok(),
    }
    .unwrap_or(0);
    if limit == 0 || limit > crate::alerts::MAX_HISTORY_LIMIT {
        return Err(AppError::BadRequest(format!(
            "`limit` must be 1..={}",
            crate::alerts::MAX_HISTORY_LIMIT
        ))
        .into());
    }
    let entries = state.alerts.history(&id_of(&id), &viewer.user, limit)?;
    Ok(Json(json!({ "entries": entries })))
}
