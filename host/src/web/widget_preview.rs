//! The widget editor's live preview: the form's current values rendered
//! through the plugin, as the dashboard would show the widget, re-asked by
//! htmx (debounced) whenever a field changes. Nothing is saved.

use axum::{
    Form, Router,
    extract::{Path, State},
    routing::post,
};
use maud::{Markup, html};

use super::widget_form::{
    default_size, default_title, draft_config, field, plugin_info, schema_of,
};
use crate::auth::Action;
use crate::data::RangeSpec;
use crate::http::{AppState, HttpError, Writer};
use crate::store::Widget;

/// Route of the preview.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/dashboards/{id}/widgets/preview", post(preview))
}

/// The preview panel of the editor form: loads once, then again after each
/// change (debounced), with the form's values.
pub(super) fn panel(dashboard_id: &str) -> Markup {
    html! {
        aside.panel.widget-preview aria-label="Preview" {
            div.preview-head {
                h2 { "Preview" }
                small.muted { "Last 30 days · not saved yet" }
            }
            div #preview.widget.preview-body role="status" aria-live="polite"
                hx-post={ "/dashboards/" (dashboard_id) "/widgets/preview" }
                hx-trigger="load, change delay:400ms from:closest form, input delay:700ms from:closest form, wd-resize"
                hx-include="closest form"
                // Not the form's target: the preview swaps only itself.
                hx-target="this"
                hx-swap="innerHTML"
                hx-sync="this:replace" {
                span.widget-loading { "Loading…" }
            }
        }
    }
}

/// The preview's body size the page sent with the form (app.js adds
/// `width` and `height` to widget requests); unusable values are ignored,
/// since the preview is a draft and then drawn at its grid size.
fn measured(form: &[(String, String)]) -> Option<(u32, u32)> {
    let side = |name| field(form, name).and_then(|v| v.parse::<u32>().ok());
    crate::http::box_size(side("width"), side("height"))
        .ok()
        .flatten()
}

async fn preview(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Markup, HttpError> {
    state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let plugin = plugin_info(&state, field(&form, "plugin").unwrap_or_default())?;
    let config = draft_config(&schema_of(&state, &viewer.user, &plugin), &form);
    let (w, h) = default_size(&plugin);
    let typed = field(&form, "title").map(str::trim).unwrap_or_default();
    let title = if typed.is_empty() {
        default_title(&state, &plugin, &config)
    } else {
        typed.to_owned()
    };
    let draft = Widget {
        id: "preview".into(),
        plugin: plugin.meta.id.clone(),
        title: title.clone(),
        config,
        x: 0,
        y: 0,
        w,
        h,
        tab: 0,
    };
    let body = state
        .widgets
        .preview(&viewer.user, &draft, &RangeSpec::DEFAULT, measured(&form))
        .await;
    Ok(html! {
        div.widget-head { h2.widget-title { (title) } }
        // Heights by class: the CSP allows no inline style.
        div.widget-body data-rows=(h) { (body) }
    })
}
