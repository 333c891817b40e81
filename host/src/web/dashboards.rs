//! The dashboards list: create, rename, clone, delete, set as default.
//!
//! Every change goes through htmx, which sends the CSRF header; the
//! handlers answer with `HX-Redirect` (or `HX-Refresh`) so a reload shows
//! exactly what was saved.

use axum::{
    Form, Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{PageContext, Section, page};
use crate::auth::{Action, can, can_create_dashboard};
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer, session_cookie};
use crate::store::{Dashboard, DashboardContent, Layout};

/// Routes of the list and its actions.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/dashboards", get(list).post(create))
        .route("/dashboards/{id}/delete", post(delete))
        .route("/dashboards/{id}/default", post(set_default))
        .route("/dashboards/{id}/clone", post(clone))
        .route("/dashboards/{id}/rename", post(rename))
}

/// The page context for a signed-in viewer.
pub(super) fn page_context(viewer: &Viewer, section: Section) -> PageContext {
    PageContext {
        username: Some(viewer.user.username.clone()),
        is_admin: viewer.user.role == crate::store::Role::Admin,
        csrf_token: viewer.csrf_token().map(str::to_owned),
        section,
    }
}

/// Tell htmx to navigate to `to`.
pub(super) fn hx_redirect(to: &str) -> Result<Response, HttpError> {
    let mut response = ().into_response();
    response.headers_mut().insert(
        "HX-Redirect",
        HeaderValue::from_str(to).map_err(HttpError::internal)?,
    );
    Ok(response)
}

/// `/`: the user's default dashboard, else the list; sign-in when needed.
async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, HttpError> {
    let Some(token) = session_cookie(&headers) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let Ok((user, _)) = state.auth.validate_session(token, Utc::now()) else {
        return Ok(Redirect::to("/login").into_response());
    };
    if let Some(id) = state.dashboards.default_for(&user)? {
        return Ok(Redirect::to(&format!("/dashboards/{}", id.as_str())).into_response());
    }
    Ok(Redirect::to("/dashboards").into_response())
}

async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, HttpError> {
    let dashboards = state.dashboards.list(&viewer.user)?;
    let default = state.dashboards.default_for(&viewer.user)?;
    let may_create = can_create_dashboard(&viewer.user);
    let ctx = page_context(&viewer, Section::Dashboards);
    Ok(page(
        "Dashboards",
        &ctx,
        html! {
            div.page-head { h1 { "Dashboards" } }
            @if may_create {
                form.panel.toolbar hx-post="/dashboards" hx-target="#create-error" {
                    label.sr-only for="new-title" { "Title" }
                    input #new-title type="text" name="title" placeholder="New dashboard title" required maxlength="200";
                    select name="layout" aria-label="Layout" {
                        option value="grid" { "Grid" }
                        option value="tabs" { "Tabs" }
                    }
                    button.btn-primary type="submit" { "Create dashboard" }
                    span #create-error {}
                }
            }
            @if dashboards.is_empty() {
                div.panel.empty-state {
                    p { "No dashboards yet." }
                    @if may_create { p { "Give your first one a title above, then add widgets to it — or import one exported from another wasmdash below." } }
                    @else { p { "Ask an editor to share a dashboard with you." } }
                }
            } @else {
                table.list.panel {
                    thead { tr { th scope="col" { "Title" } th scope="col" { "Widgets" } th scope="col" { "Updated" } th scope="col" { span.sr-only { "Actions" } } } }
                    tbody {
                        @for d in &dashboards { (row(&viewer, d, default.as_ref() == Some(&d.id), may_create)) }
                    }
                }
            }
            @if may_create { (import_form()) }
        },
    ))
}

/// Import a dashboard exported as JSON: pasted, or read from a file by
/// `app.js` into the same field.
fn import_form() -> Markup {
    html! {
        details.panel #import {
            summary { "Import a dashboard from JSON" }
            form #import-form hx-post="/dashboards/import" hx-target="#import-error" {
                p.muted { "Choose a file saved with “Download as JSON”, or paste its contents. Every widget is checked before anything is saved." }
                label for="import-file" { "File" }
                input #import-file type="file" accept="application/json,.json";
                label for="import-document" { "JSON" }
                textarea #import-document name="document" rows="6" required {}
                div.toolbar {
                    button.btn-primary type="submit" { "Import" }
                    span #import-error {}
                }
            }
        }
    }
}

fn row(viewer: &Viewer, d: &Dashboard, is_default: bool, may_create: bool) -> Markup {
    let id = d.id.as_str();
    html! {
        tr {
            td {
                a href={ "/dashboards/" (id) } { (d.content.title) }
                @if is_default { " " span.muted { "(default)" } }
            }
            td { (d.content.widgets.len()) }
            td.muted { (d.updated.format("%Y-%m-%d %H:%M UTC")) }
            td.actions {
                div.toolbar {
                    @if !is_default {
                        button hx-post={ "/dashboards/" (id) "/default" } { "Set as default" }
                    }
                    @if may_create {
                        button hx-post={ "/dashboards/" (id) "/clone" } { "Clone" }
                    }
                    a.btn href={ "/dashboards/" (id) "/settings" } { "Settings" }
                    @if can(&viewer.user, Action::Delete, d) {
                        button.btn-danger hx-post={ "/dashboards/" (id) "/delete" }
                            hx-confirm={ "Delete the dashboard “" (d.content.title) "”? This cannot be undone." } { "Delete" }
                    }
                }
            }
        }
    }
}

/// The create form.
#[derive(Debug, Deserialize)]
pub(super) struct CreateForm {
    title: String,
    #[serde(default)]
    layout: Option<String>,
}

fn layout_from(name: Option<&str>) -> Result<Layout, HttpError> {
    match name.unwrap_or("grid") {
        "grid" => Ok(Layout::Grid),
        "tabs" => Ok(Layout::Tabs {
            tabs: vec!["Overview".into()],
        }),
        other => Err(HttpError::bad_request(format!(
            "unknown layout {other:?}; use grid or tabs"
        ))),
    }
}

async fn create(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<CreateForm>,
) -> Result<Response, HttpError> {
    if !can_create_dashboard(&viewer.user) {
        return Err(HttpError::forbidden("viewers cannot create dashboards"));
    }
    let content = DashboardContent {
        title: form.title.trim().to_owned(),
        layout: layout_from(form.layout.as_deref())?,
        widgets: Vec::new(),
    };
    let dashboard = state.dashboards.create(&viewer.user, content, None)?;
    hx_redirect(&format!("/dashboards/{}", dashboard.id.as_str()))
}

async fn delete(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    state.dashboards.delete(&viewer.user, &id)?;
    hx_redirect("/dashboards")
}

async fn set_default(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    state.dashboards.set_default(&viewer.user, &id)?;
    hx_redirect("/dashboards")
}

async fn clone(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let copy = state.dashboards.clone_for(&viewer.user, &id)?;
    hx_redirect(&format!("/dashboards/{}", copy.id.as_str()))
}

/// The rename form: new title and the version it was edited from.
#[derive(Debug, Deserialize)]
pub(super) struct RenameForm {
    title: String,
    version: u64,
}

async fn rename(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<RenameForm>,
) -> Result<Response, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let mut content = d.content.clone();
    content.title = form.title.trim().to_owned();
    let message = format!("Renamed to “{}”", content.title);
    state
        .dashboards
        .save(&viewer.user, &d, form.version, &content, Some(&message))?;
    hx_redirect(&format!("/dashboards/{}", d.id.as_str()))
}
