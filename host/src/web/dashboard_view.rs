//! One dashboard: the time-range picker, auto-refresh, tabs and the grid
//! of widgets, each loading itself with `hx-get`.

use axum::{
    Router,
    extract::{Path, Query, State},
    routing::get,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::dashboards::page_context;
use super::layout::{Section, page};
use crate::auth::{Action, can};
use crate::data::RangeSpec;
use crate::http::Viewer;
use crate::http::range_from;
use crate::http::{AppState, HttpError};
use crate::store::{Dashboard, Layout, Widget};

/// Route of the dashboard page.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/dashboards/{id}", get(view))
}

/// Relative ranges offered in the picker.
pub(super) const RANGES: &[(&str, &str)] = &[
    ("1h", "Last hour"),
    ("24h", "Last 24 hours"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("365d", "Last 365 days"),
    ("today", "Today"),
    ("this_week", "This week"),
    ("this_month", "This month"),
    ("previous_month", "Previous month"),
    ("this_quarter", "This quarter"),
    ("this_year", "This year"),
    ("custom", "Custom…"),
];

/// Auto-refresh choices, seconds (0 = off).
pub(super) const REFRESH: &[(u32, &str)] = &[
    (0, "Off"),
    (30, "30 s"),
    (60, "1 min"),
    (300, "5 min"),
    (900, "15 min"),
];

/// The page's query: the range it opens with.
#[derive(Debug, Deserialize)]
pub(super) struct ViewParams {
    #[serde(default)]
    range: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    /// Auto-refresh seconds, kept in the address by app.js.
    #[serde(default)]
    refresh: Option<u32>,
}

async fn view(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(params): Query<ViewParams>,
) -> Result<Markup, HttpError> {
    let dashboard = state.dashboards.visible(&viewer.user, &id, Action::View)?;
    // Refuse a bad range up front rather than in every widget.
    range_from(
        params.range.as_deref(),
        params.from.as_deref(),
        params.to.as_deref(),
    )
    .map_err(HttpError::bad_request)?;
    let editable = can(&viewer.user, Action::Edit, &dashboard);
    // Settings change things; a viewer who may do neither sees no link.
    let settings = editable || can(&viewer.user, Action::Share, &dashboard);
    let ctx = page_context(&viewer, Section::Dashboards);
    Ok(page(
        &dashboard.content.title,
        &ctx,
        html! {
            div.page-head.dashboard-head {
                h1 { (dashboard.content.title) }
                span.spacer {}
                (range_picker(&params))
                // On a phone the actions fold behind one button (no script:
                // a checkbox and its label); on wider screens they show inline.
                input #head-menu-toggle.head-menu-toggle type="checkbox" aria-label="More actions";
                label.btn.head-menu-button for="head-menu-toggle" aria-hidden="true" { "☰" }
                div.head-actions {
                label.sr-only for="refresh" { "Auto-refresh" }
                select #refresh aria-label="Auto-refresh" {
                    @for (secs, label) in REFRESH {
                        option value=(secs) selected[params.refresh == Some(*secs)] { "Refresh: " (label) }
                    }
                }
                @if editable {
                    a.btn href={ "/dashboards/" (id) "/widgets/new" } { "Add widget" }
                    button #edit-toggle type="button" aria-pressed="false" { "Edit layout" }
                }
                @if settings {
                    a.btn href={ "/dashboards/" (id) "/settings" } { "Settings" }
                }
                span #save-status.save-status.muted role="status" {}
                (super::export::dashboard_menu(
                    &state,
                    &id,
                    params.range.as_deref(),
                    params.from.as_deref(),
                    params.to.as_deref(),
                ))
                }
            }
            @if editable { (super::layout_save::bar(&dashboard)) }
            (body(&dashboard, editable))
        },
    ))
}

fn range_picker(params: &ViewParams) -> Markup {
    let default = RangeSpec::DEFAULT.to_string();
    let current = params.range.as_deref().unwrap_or(&default);
    let custom = current == "custom";
    html! {
        form #range-form.toolbar role="search" aria-label="Time range" {
            select name="range" aria-label="Time range" {
                @for (value, label) in RANGES {
                    option value=(value) selected[*value == current] { (label) }
                }
            }
            span #custom-range.toolbar hidden[!custom] {
                label.sr-only for="range-from" { "From" }
                input #range-from type="date" name="from" value=[params.from.as_deref()];
                label.sr-only for="range-to" { "To" }
                input #range-to type="date" name="to" value=[params.to.as_deref()];
            }
        }
    }
}

fn body(dashboard: &Dashboard, editable: bool) -> Markup {
    if dashboard.content.widgets.is_empty() {
        return html! {
            div.panel.empty-state {
                p { "This dashboard has no widgets yet." }
                @if editable {
                    p { a.btn.btn-primary href={ "/dashboards/" (dashboard.id.as_str()) "/widgets/new" } { "Add your first widget" } }
                }
            }
        };
    }
    match &dashboard.content.layout {
        Layout::Grid => grid(dashboard, 0, editable),
        Layout::Tabs { tabs } => html! {
            div.tabs role="tablist" {
                @for (i, name) in tabs.iter().enumerate() {
                    button type="button" role="tab" data-tab=(i) aria-selected=(if i == 0 { "true" } else { "false" }) { (name) }
                }
            }
            @for i in 0..tabs.len() {
                div.tab-panel role="tabpanel" data-tab=(i) hidden[i != 0] {
                    (grid(dashboard, u32::try_from(i).unwrap_or(u32::MAX), editable))
                }
            }
        },
    }
}

fn grid(dashboard: &Dashboard, tab: u32, editable: bool) -> Markup {
    let id = dashboard.id.as_str();
    let empty = !dashboard.content.widgets.iter().any(|w| w.tab == tab);
    html! {
        @if empty {
            p.muted.empty-tab {
                "Nothing on this tab yet."
                @if editable { " Add a widget, or use “Edit layout” and move one here from another tab." }
            }
        }
        div.grid-stack data-dashboard=(id) data-version=(dashboard.version)
            data-editable=(editable) data-tab=(tab) {
            @for w in dashboard.content.widgets.iter().filter(|w| w.tab == tab) {
                (item(id, w, tab_names(dashboard, editable)))
            }
        }
    }
}

/// The tabs a widget may be moved to, when the viewer edits a tabbed
/// dashboard with more than one tab.
fn tab_names(dashboard: &Dashboard, editable: bool) -> &[String] {
    match &dashboard.content.layout {
        Layout::Tabs { tabs } if editable && tabs.len() > 1 => tabs,
        _ => &[],
    }
}

/// One widget's slot. Widgets of the first tab (or the grid) load with the
/// page; those of hidden tabs only when their tab is first shown
/// (`data-lazy`, triggered by app.js), so a page does not ask for what
/// nobody looks at.
fn item(dashboard_id: &str, w: &Widget, tabs: &[String]) -> Markup {
    let lazy = w.tab > 0;
    html! {
        div.grid-stack-item.has-move[!tabs.is_empty()] gs-id=(w.id) gs-x=(w.x) gs-y=(w.y) gs-w=(w.w) gs-h=(w.h) {
            @if !tabs.is_empty() { (super::tab_move::control(w, tabs)) }
            section.grid-stack-item-content.widget aria-label=(w.title)
                data-lazy=[lazy.then_some("true")]
                hx-get={ "/dashboards/" (dashboard_id) "/widgets/" (w.id) }
                // `wd-resize`: app.js asks again at the body's new size.
                hx-trigger=(if lazy { "wd-show, wd-table, wd-resize" } else { "load, wd-refresh from:body, wd-table, wd-resize" })
                hx-sync="this:replace"
                hx-include="#range-form"
                hx-swap="innerHTML" {
                div.widget-head { h2.widget-title { (w.title) } }
                div.widget-body { span.widget-loading { "Loading…" } }
            }
        }
    }
}
