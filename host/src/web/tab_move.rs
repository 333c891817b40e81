//! Moving a widget to another tab of a tabbed dashboard.
//!
//! Two ways in, one endpoint: dropping a widget dragged onto a tab's
//! button, and a "Move to tab" control on every widget while the layout is
//! edited (reachable by keyboard). The widget lands at the bottom of the
//! target tab, keeping its size, and the change is saved with the version
//! it was made from, like any other layout save (stale → 409).

use axum::{
    Json, Router,
    extract::{Path, State},
    routing::post,
};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Action;
use crate::http::Writer;
use crate::http::{AppState, HttpError, json_errors};
use crate::store::{GRID_COLUMNS, Layout, Widget};
use axum::middleware::map_response;

/// Route of the move.
pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/dashboards/{id}/widgets/{widget}/move",
        post(move_widget).layer(map_response(json_errors)),
    )
}

/// The "Move to tab" control of one widget (shown while editing).
pub(super) fn control(w: &Widget, tabs: &[String]) -> Markup {
    html! {
        form.widget-move data-move-widget=(w.id) {
            label.sr-only for={ "move-" (w.id) } { "Move " (w.title) " to tab" }
            select id={ "move-" (w.id) } name="tab" {
                @for (i, name) in tabs.iter().enumerate() {
                    option value=(i) selected[i == w.tab as usize] { (name) }
                }
            }
            button type="submit" { "Move" }
        }
    }
}

/// Body of a move: the target tab and the version edited.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MoveRequest {
    version: u64,
    tab: u32,
}

async fn move_widget(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path((id, widget_id)): Path<(String, String)>,
    Json(request): Json<MoveRequest>,
) -> Result<Json<Value>, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let mut content = d.content.clone();
    let index = content
        .widgets
        .iter()
        .position(|w| w.id == widget_id)
        .ok_or_else(|| HttpError::not_found("no such widget on this dashboard"))?;
    // Below everything already on the target tab.
    let bottom = content
        .widgets
        .iter()
        .filter(|w| w.tab == request.tab && w.id != widget_id)
        .map(|w| w.y + w.h)
        .max()
        .unwrap_or(0);
    let w = &mut content.widgets[index];
    let message = match &d.content.layout {
        Layout::Tabs { tabs } => tabs
            .get(request.tab as usize)
            .map(|tab| format!("Moved “{}” to “{tab}”", w.title.trim())),
        Layout::Grid => None,
    };
    w.tab = request.tab;
    w.x = 0;
    w.y = bottom;
    w.w = w.w.min(GRID_COLUMNS);
    let saved = state.dashboards.save(
        &viewer.user,
        &d,
        request.version,
        &content,
        message.as_deref(),
    )?;
    Ok(Json(
        json!({ "version": saved.version, "tab": request.tab }),
    ))
}
