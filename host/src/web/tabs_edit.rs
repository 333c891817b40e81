//! The tabs of a dashboard, edited on its settings page: add, rename,
//! reorder and delete tabs (asking where the widgets of a deleted tab
//! go), and switch between one grid and tabs. Each form names the version
//! it was loaded at, so a stale page gets a conflict, not an overwrite.

use axum::{
    Form, Router,
    extract::{Path, State},
    response::Response,
    routing::post,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::dashboards::hx_redirect;
use crate::dashboards::{OrphanWidgets, TabChange};
use crate::http::{AppState, HttpError, Writer};
use crate::store::{Dashboard, Layout};

/// Route of the tab changes.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/dashboards/{id}/tabs", post(change))
}

/// One tab change as the forms send it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TabForm {
    version: u64,
    action: String,
    #[serde(default)]
    tab: Option<u32>,
    #[serde(default)]
    to: Option<u32>,
    #[serde(default)]
    name: Option<String>,
    /// `delete`, or the index of the tab that takes the widgets.
    #[serde(default)]
    widgets: Option<String>,
}

impl TabForm {
    fn change(self) -> Result<TabChange, HttpError> {
        let tab = || {
            self.tab
                .ok_or_else(|| HttpError::bad_request("the form did not say which tab"))
        };
        let name = || self.name.clone().unwrap_or_default();
        Ok(match self.action.as_str() {
            "add" => TabChange::Add(name()),
            "rename" => TabChange::Rename {
                tab: tab()?,
                name: name(),
            },
            "move" => TabChange::Move {
                tab: tab()?,
                to: self
                    .to
                    .ok_or_else(|| HttpError::bad_request("the form did not say where to"))?,
            },
            "delete" => TabChange::Delete {
                tab: tab()?,
                widgets: match self.widgets.as_deref() {
                    Some("delete") => OrphanWidgets::Delete,
                    Some(n) => OrphanWidgets::MoveTo(n.parse().map_err(|_| {
                        HttpError::bad_request("say which tab takes the widgets, or delete them")
                    })?),
                    None => {
                        return Err(HttpError::bad_request(
                            "say which tab takes the widgets, or delete them",
                        ));
                    }
                },
            },
            "use_tabs" => TabChange::UseTabs(name()),
            "use_grid" => TabChange::UseGrid,
            other => {
                return Err(HttpError::bad_request(format!(
                    "unknown tab action {:?}",
                    other.chars().take(40).collect::<String>()
                )));
            }
        })
    }
}

async fn change(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<TabForm>,
) -> Result<Response, HttpError> {
    let version = form.version;
    let change = form.change()?;
    let d = state
        .dashboards
        .change_tabs(&viewer.user, &id, version, change)?;
    hx_redirect(&format!("/dashboards/{}/settings", d.id.as_str()))
}

/// The layout section of the settings page (for people who may edit).
pub(super) fn section(d: &Dashboard) -> Markup {
    let action = format!("/dashboards/{}/tabs", d.id.as_str());
    let hidden = |what: &str| {
        html! {
            input type="hidden" name="version" value=(d.version);
            input type="hidden" name="action" value=(what);
        }
    };
    html! {
        section.panel #layout aria-labelledby="layout-title" {
            h2 #layout-title { "Layout" }
            div #tabs-error role="alert" {}
            @match &d.content.layout {
                Layout::Grid => {
                    p { "One grid. Tabs group widgets into pages of the same dashboard." }
                    form.toolbar hx-post=(action) hx-target="#tabs-error" {
                        (hidden("use_tabs"))
                        label.sr-only for="first-tab" { "Name of the first tab" }
                        input #first-tab type="text" name="name" value="Overview" required maxlength="200";
                        button.btn-primary type="submit" { "Switch to tabs" }
                    }
                }
                Layout::Tabs { tabs } => {
                    table.list.tab-list {
                        thead { tr { th { "Tab" } th { "Order" } th { "Delete" } } }
                        tbody {
                            @for (i, name) in tabs.iter().enumerate() {
                                (tab_row(d, &action, tabs, i, name))
                            }
                        }
                    }
                    form.toolbar hx-post=(action) hx-target="#tabs-error" {
                        (hidden("add"))
                        label.sr-only for="new-tab" { "Name of the new tab" }
                        input #new-tab type="text" name="name" placeholder="New tab" required maxlength="200";
                        button.btn-primary type="submit" { "Add tab" }
                    }
                    form.toolbar hx-post=(action) hx-target="#tabs-error"
                        hx-confirm="Put every tab's widgets into one grid, one tab below the other?" {
                        (hidden("use_grid"))
                        button type="submit" { "Switch to one grid" }
                    }
                }
            }
        }
    }
}

fn tab_row(d: &Dashboard, action: &str, tabs: &[String], i: usize, name: &str) -> Markup {
    let count = d
        .content
        .widgets
        .iter()
        .filter(|w| w.tab as usize == i)
        .count();
    let form = |what: &str| {
        html! {
            input type="hidden" name="version" value=(d.version);
            input type="hidden" name="action" value=(what);
            input type="hidden" name="tab" value=(i);
        }
    };
    html! {
        tr {
            td {
                form.toolbar hx-post=(action) hx-target="#tabs-error" {
                    (form("rename"))
                    label.sr-only for={ "tab-name-" (i) } { "Name of tab " (i + 1) }
                    input id={ "tab-name-" (i) } type="text" name="name" value=(name) required maxlength="200";
                    button type="submit" { "Rename" }
                    small.muted { (count) " widget" @if count != 1 { "s" } }
                }
            }
            td {
                div.toolbar {
                    @if i > 0 {
                        form hx-post=(action) hx-target="#tabs-error" {
                            (form("move"))
                            input type="hidden" name="to" value=(i - 1);
                            button type="submit" aria-label={ "Move " (name) " earlier" } { "↑" }
                        }
                    }
                    @if i + 1 < tabs.len() {
                        form hx-post=(action) hx-target="#tabs-error" {
                            (form("move"))
                            input type="hidden" name="to" value=(i + 1);
                            button type="submit" aria-label={ "Move " (name) " later" } { "↓" }
                        }
                    }
                }
            }
            td {
                @if tabs.len() > 1 {
                    form.toolbar hx-post=(action) hx-target="#tabs-error"
                        hx-confirm={ "Delete the tab " (name) "?" } {
                        (form("delete"))
                        @if count > 0 {
                            label.sr-only for={ "tab-widgets-" (i) } { "Its widgets" }
                            select id={ "tab-widgets-" (i) } name="widgets" {
                                @for (j, other) in tabs.iter().enumerate().filter(|(j, _)| *j != i) {
                                    option value=(j) { "Move widgets to " (other) }
                                }
                                option value="delete" { "Delete its widgets" }
                            }
                        } @else {
                            input type="hidden" name="widgets" value="delete";
                        }
                        button.btn-danger type="submit" { "Delete" }
                    }
                }
            }
        }
    }
}
