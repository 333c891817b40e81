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
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;

use super::dashboards::hx_redirect;
use crate::http::{AppState, HttpError, Viewer, Writer, attachment};

/// Largest import request: the 4 MiB document, form-encoded.
const MAX_IMPORT_REQUEST: usize = 16 * 1024 * 1024;

/// Routes of the download and the import form.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboards/{id}/export.json", get(download))
        .route(
            "/dashboards/import",
            post(import_form).layer(DefaultBodyLimit::max(MAX_IMPORT_REQUEST)),
        )
}

async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let doc = state.dashboards.export_document(&viewer.user, &id)?;
    Ok(attachment("application/json", &doc.file_name, doc.json))
}

/// The import form: the exported JSON, pasted or read from a file.
#[derive(Debug, Deserialize)]
struct ImportForm {
    document: String,
}

async fn import_form(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<ImportForm>,
) -> Result<Response, HttpError> {
    if form.document.trim().is_empty() {
        return Err(HttpError::bad_request(
            "paste an exported dashboard or choose its file first",
        ));
    }
    let d = state.dashboards.import(&viewer.user, &form.document)?;
    hx_redirect(&format!("/dashboards/{}", d.id.as_str()))
}
