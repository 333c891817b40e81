//! One widget on screen: the widget service renders it (data, plugin,
//! sanitizer, error card); this page wraps it in the widget chrome.
//!
//! Each widget is its own htmx request, so a slow or failing widget never
//! blocks the others; a failure becomes an error card in that slot only.

use axum::{
    Router,
    extract::{Path, Query, State},
    routing::get,
};
use maud::{Markup, html};

use crate::auth::{Action, can};
use crate::http::{AppState, HttpError, Viewer, WidgetParams};
use crate::store::Widget;

/// Routes: the HTML fragment of one widget.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/dashboards/{id}/widgets/{widget}", get(fragment))
}

async fn fragment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, widget_id)): Path<(String, String)>,
    Query(params): Query<WidgetParams>,
) -> Result<Markup, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::View)?;
    let (widget, body) = state
        .widgets
        .view(&viewer.user, &d, &widget_id, params.view_request())
        .await?;
    let range = super::export::range_query(
        params.range.as_deref(),
        params.from.as_deref(),
        params.to.as_deref(),
    );
    let exports = super::export::widget_menu_items(&state, &id, &widget.id, &range);
    let editable = can(&viewer.user, Action::Edit, &d);
    let tz = state.data.timezone();
    let updated = chrono::Utc::now()
        .with_timezone(&tz)
        .format("%H:%M:%S")
        .to_string();
    Ok(chrome_with(&id, &widget, body, exports, editable, &updated))
}

/// The frame around a widget's body: title and menu, with more menu
/// entries (the export links) after "Configure" (offered only to people
/// who may edit the dashboard).
fn chrome_with(
    dashboard_id: &str,
    widget: &Widget,
    body: Markup,
    menu: Markup,
    editable: bool,
    updated: &str,
) -> Markup {
    html! {
        div.widget-head {
            h2.widget-title title=(widget.title) { (widget.title) }
            // Shown while auto-refresh is on (app.js marks the body).
            small.widget-updated.muted { "Updated " (updated) }
            details.widget-menu {
                summary aria-label={ "Menu of " (widget.title) } { "⋯" }
                div.menu-items {
                    @if editable {
                        a href={ "/dashboards/" (dashboard_id) "/widgets/" (widget.id) "/edit" } { "Configure" }
                    }
                    (menu)
                }
            }
        }
        div.widget-body { (body) }
    }
}
