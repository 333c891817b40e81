//! A dashboard as a JSON file: download it, and import one as a new
//! dashboard of the importing user.
//!
//! The document is schema-versioned (`store::export_dashboard`). An import
//! is checked in full before anything is stored: structure (grid, tabs,
//! ids), then every widget's plugin and config against the plugin's JSON
//! Schema. A refused import stores nothing.

use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use super::dashboards::hx_redirect;
use super::session::{Viewer, Writer};
use super::widgets::visible_dashboard;
use super::{AppError, AppState};
use crate::api::dashboards::validate_widgets;
use crate::auth::{Action, can_create_dashboard};
use crate::store::{Dashboard, DashboardJsonError, export_dashboard, import_dashboard};

/// Largest import request: the 4 MiB document, form-encoded.
pub const MAX_IMPORT_REQUEST: usize = 16 * 1024 * 1024;

/// Routes of the download and the import form.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboards/{id}/export.json", get(download))
        .route(
            "/dashboards/import",
            post(import_form).layer(DefaultBodyLimit::max(MAX_IMPORT_REQUEST)),
        )
}

/// The JSON document of a dashboard `viewer` may export, as a download.
pub fn export_response(state: &AppState, viewer: &Viewer, id: &str) -> Result<Response, AppError> {
    let d = visible_dashboard(state, viewer, id, Action::Export)?;
    let name: String = d
        .content
        .title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(60)
        .collect();
    let disposition = format!(
        "attachment; filename=\"{}.wasmdash.json\"",
        name.trim_matches('-')
    );
    let mut response = export_dashboard(&d).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(AppError::internal)?,
    );
    Ok(response)
}

/// Import `text` as a new private dashboard owned by `viewer`; all checks
/// pass or nothing is stored.
pub fn import_as(state: &AppState, viewer: &Viewer, text: &str) -> Result<Dashboard, AppError> {
    if !can_create_dashboard(&viewer.user) {
        return Err(AppError::Forbidden(
            "viewers cannot import dashboards".into(),
        ));
    }
    let content = import_dashboard(text).map_err(|e| match e {
        DashboardJsonError::TooLarge => AppError::TooLarge(e.to_string()),
        DashboardJsonError::Malformed(_)
        | DashboardJsonError::WrongFormat(_)
        | DashboardJsonError::NewerSchema(_) => AppError::BadRequest(e.to_string()),
        other => AppError::Unprocessable(other.to_string()),
    })?;
    validate_widgets(state, &content)?;
    let d = Dashboard::new(viewer.user.id.clone(), content, Utc::now())
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    state.auth.store().insert_dashboard(&d)?;
    Ok(d)
}

async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    export_response(&state, &viewer, &id)
}

/// The import form: the exported JSON, pasted or read from a file.
#[derive(Debug, Deserialize)]
pub struct ImportForm {
    document: String,
}

async fn import_form(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<ImportForm>,
) -> Result<Response, AppError> {
    if form.document.trim().is_empty() {
        return Err(AppError::BadRequest(
            "paste an exported dashboard or choose its file first".into(),
        ));
    }
    let d = import_as(&state, &viewer, &form.document)?;
    hx_redirect(&format!("/dashboards/{}", d.id.as_str()))
}
