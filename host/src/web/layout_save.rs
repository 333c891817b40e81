//! Edit mode's bar and its one save: while editing, the page collects
//! drags, resizes and moves to other tabs; "Save layout" sends every
//! widget's place and tab with the version it was edited from and an
//! optional message, as one new version.
//! A save that met a newer version offers the same three ways on as the
//! widget form ([`super::conflict`]); the arrangement stays on the page
//! until the user picks one.

use axum::{
    Form, Router,
    extract::{Path, State},
    http::{HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::conflict::{self, Outcome};
use super::dashboards::hx_redirect;
use super::widget_form::field;
use crate::auth::Action;
use crate::http::{AppState, HttpError, Writer};
use crate::store::{Dashboard, DashboardContent, Layout, MAX_MESSAGE_CHARS, MAX_WIDGETS};

/// Route of the layout save.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/dashboards/{id}/layout", post(save_layout))
}

/// The edit-mode bar of dashboard `d`, hidden until "Edit layout".
pub(super) fn bar(d: &Dashboard) -> Markup {
    html! {
        form #layout-form.edit-bar hidden aria-label="Layout editing"
            hx-post={ "/dashboards/" (d.id.as_str()) "/layout" }
            hx-target="find .layout-note" hx-swap="innerHTML" {
            input type="hidden" name="version" value=(d.version);
            input type="hidden" name="items" value="";
            div.edit-bar-text {
                strong { "Editing the layout" }
                span.muted {
                    @if matches!(&d.content.layout, Layout::Tabs { tabs } if tabs.len() > 1) {
                        " — drag, resize and move widgets between tabs, then save them as one version."
                    } @else {
                        " — drag and resize widgets, then save them as one version."
                    }
                }
            }
            div.edit-bar-controls {
                label.sr-only for="layout-message" { "Message (optional)" }
                input #layout-message type="text" name="message" maxlength=(MAX_MESSAGE_CHARS)
                    placeholder="What changed? (optional)" autocomplete="off";
                button #edit-save.btn-primary type="submit" { "Save layout" }
                button #edit-cancel type="button" { "Cancel" }
            }
            div.layout-note role="status" aria-live="polite" {}
        }
    }
}

/// A widget's place, as the grid reports it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Placement {
    id: String,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    #[serde(default)]
    tab: Option<u32>,
}

/// The `items` field: every moved widget's place, as JSON.
fn placements(form: &[(String, String)]) -> Result<Vec<Placement>, HttpError> {
    let text = field(form, "items").unwrap_or_default();
    let items: Vec<Placement> = serde_json::from_str(text).map_err(|e| {
        HttpError::bad_request(format!(
            "`items` must be a JSON list of {{id, x, y, w, h, tab}}: {e}"
        ))
    })?;
    if items.len() > MAX_WIDGETS {
        return Err(HttpError::bad_request(format!(
            "`items` lists more than {MAX_WIDGETS} widgets"
        )));
    }
    Ok(items)
}

/// `content` with `items` applied; a widget that is not there is a 422.
fn placed(content: &DashboardContent, items: &[Placement]) -> Result<DashboardContent, HttpError> {
    let mut content = content.clone();
    for p in items {
        let w = content
            .widgets
            .iter_mut()
            .find(|w| w.id == p.id)
            .ok_or_else(|| {
                HttpError::unprocessable(format!(
                    "there is no widget {:?} on this dashboard (removed in the meantime?)",
                    p.id
                ))
            })?;
        (w.x, w.y, w.w, w.h) = (p.x, p.y, p.w, p.h);
        if let Some(tab) = p.tab {
            w.tab = tab;
        }
    }
    Ok(content)
}

async fn save_layout(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let version = conflict::expected_version(&form)?;
    let items = placements(&form)?;
    let message = field(&form, "message");
    let copy = conflict::as_copy(&form);
    let outcome = conflict::save(&state, &viewer.user, &d, version, copy, message, |c| {
        placed(c, &items)
    })?;
    match outcome {
        Outcome::Saved(saved) if copy => hx_redirect(&format!("/dashboards/{}", saved.id.as_str())),
        Outcome::Saved(saved) => {
            let note = html! { span.muted { "Saved as version " (saved.version) "." } };
            let mut response = note.into_response();
            // app.js leaves edit mode and takes the new version.
            let event = json!({ "wd-layout-saved": { "version": saved.version } });
            response.headers_mut().insert(
                "HX-Trigger",
                HeaderValue::from_str(&event.to_string()).map_err(HttpError::internal)?,
            );
            Ok(response)
        }
        Outcome::Stale(newer) => {
            let reload = format!("/dashboards/{}", newer.id.as_str());
            let offer = conflict::choices(
                newer.version,
                "Your arrangement is kept on the page.",
                &reload,
            );
            Ok((StatusCode::CONFLICT, offer).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Widget;

    fn content() -> DashboardContent {
        let card = |id: &str| Widget {
            id: id.into(),
            plugin: "metric-card".into(),
            title: id.into(),
            config: json!({}),
            x: 0,
            y: 0,
            w: 4,
            h: 2,
            tab: 0,
        };
        DashboardContent {
            title: "T".into(),
            layout: Layout::Tabs {
                tabs: vec!["One".into(), "Two".into()],
            },
            widgets: vec![card("a"), card("b")],
        }
    }

    #[test]
    fn a_save_carries_each_widgets_tab() {
        let form = vec![(
            "items".to_owned(),
            r#"[{"id":"b","x":0,"y":3,"w":4,"h":2,"tab":1}]"#.to_owned(),
        )];
        let out = placed(&content(), &placements(&form).unwrap()).unwrap();
        let b = &out.widgets[1];
        assert_eq!((b.tab, b.x, b.y, b.w, b.h), (1, 0, 3, 4, 2));
        assert_eq!(out.widgets[0].tab, 0, "what is not listed stays");
        let gone = vec![(
            "items".to_owned(),
            r#"[{"id":"c","x":0,"y":0,"w":1,"h":1,"tab":1}]"#.to_owned(),
        )];
        let err = placed(&content(), &placements(&gone).unwrap()).unwrap_err();
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
