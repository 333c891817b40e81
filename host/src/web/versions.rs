//! A dashboard's version history (the last 20) and restoring one.
//!
//! Restoring makes an old version's content current again as a *new*
//! version, so the history stays linear and the restore itself can be
//! undone. Editors of the dashboard may look; only its owner and admins
//! may restore, as a restore can undo other people's work wholesale.

use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use maud::{Markup, html};

use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use crate::auth::can_restore;
use crate::dashboards::Author;
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer};

/// Routes of the history page and the restore action.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboards/{id}/versions", get(versions))
        .route("/dashboards/{id}/versions/{version}/restore", post(restore))
}

async fn versions(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Markup, HttpError> {
    let history = state.dashboards.history(&viewer.user, &id)?;
    let d = &history.current;
    let kept = &history.versions;
    let may_restore = can_restore(&viewer.user, d);
    let base = format!("/dashboards/{}", d.id.as_str());
    let ctx = page_context(&viewer, Section::Dashboards);
    Ok(page(
        &format!("Versions of {}", d.content.title),
        &ctx,
        html! {
            div.page-head {
                h1 { "Versions of “" (d.content.title) "”" }
                span.spacer {}
                a.btn href=(base) { "Back to the dashboard" }
            }
            p.muted { "The last 20 versions are kept. Restoring one saves it as a new version; nothing is lost." }
            span #restore-error {}
            @if kept.len() <= 1 {
                div.panel.empty-state {
                    p { "This is the first version." }
                    p { "Every saved change (layout, widgets, title) adds one here, so you can go back." }
                }
            }
            table.list.panel.versions {
                thead { tr {
                    th scope="col" { "Version" } th scope="col" { "Saved" }
                    th scope="col" { "By" } th scope="col" { "Message" }
                    th scope="col" { "Title" } th scope="col" { "Widgets" }
                    th scope="col" { span.sr-only { "Actions" } }
                } }
                tbody {
                    @for kept in kept {
                        @let v = &kept.dashboard;
                        tr data-version=(v.version) {
                            td { (v.version) }
                            td.muted {
                                time datetime=(v.note.at.to_rfc3339()) { (v.note.at.format("%Y-%m-%d %H:%M UTC")) }
                            }
                            td.version-author {
                                @match &kept.author {
                                    Author::User(name) => (name),
                                    other => span.muted { (other) },
                                }
                            }
                            td.version-message {
                                @match &v.note.message {
                                    Some(m) => (m),
                                    None => span.muted { "—" },
                                }
                            }
                            td { (v.content.title) }
                            td { (v.content.widgets.len()) }
                            td {
                                @if v.version == d.version { span.muted { "current" } }
                                @else if may_restore {
                                    button hx-post={ (base) "/versions/" (v.version) "/restore" }
                                        hx-target="#restore-error"
                                        hx-confirm={ "Restore version " (v.version) "? It becomes the newest version." } {
                                        "Restore"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn restore(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, HttpError> {
    let version: u64 = version
        .parse()
        .map_err(|_| HttpError::bad_request("the version must be a number"))?;
    let d = state.dashboards.restore(&viewer.user, &id, version)?;
    hx_redirect(&format!("/dashboards/{}", d.id.as_str()))
}
