//! `/plugins`: what is installed, and which drop-in files were refused.

use axum::{Router, extract::State, routing::get};
use maud::{Markup, html};

use super::dashboards::page_context;
use super::layout::{Section, page};
use crate::http::Viewer;
use crate::http::{AppState, HttpError};

/// Route of the plugins page.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/plugins", get(list))
}

async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, HttpError> {
    let plugins = state.plugins.list();
    let problems = state.plugins.problems();
    let ctx = page_context(&viewer, Section::Plugins);
    Ok(page(
        "Plugins",
        &ctx,
        html! {
            div.page-head { h1 { "Plugins" } }
            @if !problems.is_empty() {
                div.panel {
                    h2 { "Refused files" }
                    ul {
                        @for p in &problems {
                            li { code { (p.path.display()) } ": " (p.reason) }
                        }
                    }
                }
            }
            table.list.panel {
                thead { tr {
                    th scope="col" { "Kind" } th scope="col" { "Id" } th scope="col" { "Name" }
                    th scope="col" { "Version" } th scope="col" { "Source" }
                } }
                tbody {
                    @for p in &plugins {
                        tr {
                            td { (p.kind.kind().label()) }
                            td { code { (p.meta.id) } }
                            td { (p.meta.name) br; small.muted { (p.meta.description) } }
                            td { (p.meta.version) }
                            td { (p.meta.source.to_string()) }
                        }
                    }
                }
            }
            p.muted { "Drop a .wasm file into the plugins folder to add a widget, export format or alert rule; it is picked up without a restart." }
        },
    ))
}
