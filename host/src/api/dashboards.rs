//! `/api/v1/dashboards`: the same dashboards the pages show, as JSON, with
//! the same ownership rules (a dashboard the caller may not see is 404).
//!
//! - `GET /api/v1/dashboards`, `POST /api/v1/dashboards`
//! - `GET|PUT|DELETE /api/v1/dashboards/{id}` (PUT names the `version` it
//!   edits; a stale one is 409)

use axum::{
    Json, Router,
    extract::{FromRequest, Path, Request, State, rejection::JsonRejection},
    http::StatusCode,
    routing::get,
};
use chrono::Utc;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auth::{Action, can_create_dashboard, visible_to};
use crate::store::{Dashboard, DashboardContent, Layout, Widget};
use crate::web::session::{ApiViewer, ApiWriter};
use crate::web::widgets::visible_dashboard;
use crate::web::{AppError, AppState, JsonError, schema_form};

/// Largest JSON body the dashboard API accepts.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// Routes of the dashboard API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboards", get(list).post(create))
        .route(
            "/api/v1/dashboards/{id}",
            get(show).put(update).delete(delete),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// `Json<T>` whose rejections are JSON errors with a readable reason.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = JsonError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                let t = t.split(';').next().unwrap_or_default().trim();
                t == "application/json" || t.ends_with("+json")
            });
        if !json_type {
            return Err(JsonError(AppError::BadRequest(
                "send the body as JSON (Content-Type: application/json)".into(),
            )));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| {
                JsonError(AppError::TooLarge(format!(
                    "the request body is larger than {MAX_BODY_BYTES} bytes"
                )))
            })?;
        // Refuse absurd nesting before building anything from it.
        if nesting_depth(&bytes) > MAX_BODY_DEPTH {
            return Err(JsonError(AppError::BadRequest(format!(
                "the JSON body nests deeper than {MAX_BODY_DEPTH} levels"
            ))));
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(JsonError(rejection_error(&rejection))),
        }
    }
}

/// Deepest nesting of arrays and objects a JSON request body may have.
pub const MAX_BODY_DEPTH: usize = 32;

/// Deepest nesting of `[`/`{` in JSON text, ignoring brackets in strings
/// (one pass, no allocation; malformed text is left to the parser).
pub fn nesting_depth(json: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in json {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn rejection_error(rejection: &JsonRejection) -> AppError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge(format!(
            "the request body is larger than {MAX_BODY_BYTES} bytes"
        )),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            AppError::BadRequest("send the body as JSON (Content-Type: application/json)".into())
        }
        _ => AppError::BadRequest(format!(
            "the JSON body is invalid: {}",
            rejection.body_text()
        )),
    }
}

/// A dashboard as the API shows it.
pub fn to_json(d: &Dashboard) -> Value {
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
pub struct DashboardBody {
    /// The version edited (PUT only).
    #[serde(default)]
    version: Option<u64>,
    title: String,
    #[serde(default = "grid")]
    layout: Layout,
    #[serde(default)]
    widgets: Vec<Widget>,
}

fn grid() -> Layout {
    Layout::Grid
}

/// Check every widget names an installed widget plugin and that its
/// config fits the plugin's schema.
pub fn validate_widgets(state: &AppState, content: &DashboardContent) -> Result<(), AppError> {
    for w in &content.widgets {
        let plugin = state.plugins.widget(&w.plugin).map_err(|_| {
            AppError::Unprocessable(format!(
                "widget {:?}: there is no widget plugin {:?}",
                w.id, w.plugin
            ))
        })?;
        let schema: Value = serde_json::from_str(&plugin.info().config_schema).map_err(|e| {
            AppError::Unprocessable(format!(
                "plugin {:?} has an unreadable schema: {e}",
                w.plugin
            ))
        })?;
        if let Err(errors) = schema_form::validate(&schema, &w.config) {
            let detail: Vec<String> = errors
                .into_iter()
                .map(|(field, e)| {
                    if field.is_empty() {
                        e
                    } else {
                        format!("{field}: {e}")
                    }
                })
                .collect();
            return Err(AppError::Unprocessable(format!(
                "widget {:?} ({}): {}",
                w.id,
                w.plugin,
                detail.join("; ")
            )));
        }
    }
    Ok(())
}

fn content_of(body: DashboardBody) -> DashboardContent {
    DashboardContent {
        title: body.title.trim().to_owned(),
        layout: body.layout,
        widgets: body.widgets,
    }
}

async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> Result<Json<Value>, JsonError> {
    let all = state.auth.store().dashboards()?;
    let visible = visible_to(&viewer.user, all);
    Ok(Json(Value::Array(visible.iter().map(to_json).collect())))
}

async fn create(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(body): ApiJson<DashboardBody>,
) -> Result<(StatusCode, Json<Value>), JsonError> {
    if !can_create_dashboard(&viewer.user) {
        return Err(AppError::Forbidden("viewers cannot create dashboards".into()).into());
    }
    let content = content_of(body);
    content
        .validate()
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    validate_widgets(&state, &content)?;
    let d = Dashboard::new(viewer.user.id.clone(), content, Utc::now())
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    state.auth.store().insert_dashboard(&d)?;
    Ok((StatusCode::CREATED, Json(to_json(&d))))
}

async fn show(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> Result<Json<Value>, JsonError> {
    let d = visible_dashboard(&state, &viewer, &id, Action::View)?;
    Ok(Json(to_json(&d)))
}

async fn update(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DashboardBody>,
) -> Result<Json<Value>, JsonError> {
    let d = visible_dashboard(&state, &viewer, &id, Action::Edit)?;
    let version = body.version.ok_or_else(|| {
        AppError::BadRequest("say which `version` you edited (optimistic concurrency)".into())
    })?;
    let content = content_of(body);
    content
        .validate()
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    validate_widgets(&state, &content)?;
    let saved = state
        .auth
        .store()
        .update_dashboard(&d.id, version, &content, Utc::now())?;
    Ok(Json(to_json(&saved)))
}

async fn delete(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    Path(id): Path<String>,
) -> Result<StatusCode, JsonError> {
    let d = visible_dashboard(&state, &viewer, &id, Action::Delete)?;
    state.auth.store().delete_dashboard(&d.id)?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(br#"{"a": [1, {"b": "[[[{{{"}]}"#), 3);
        assert_eq!(nesting_depth(br#""\"[""#), 0);
        assert_eq!(nesting_depth("[".repeat(100).as_bytes()), 100);
    }
}
