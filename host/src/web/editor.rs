//! The layout editor: save positions after an edit, add, configure and
//! remove widgets. Every save names the version it was edited from, so a
//! stale page gets a conflict instead of silently overwriting someone's
//! change; the widget form then offers reload, overwrite or a copy (see
//! [`super::widget_form`]).

use axum::Form;
use axum::{
    Json, Router,
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use super::widget_form::{
    FormNotes, default_size, field, form_error, plugin_info, read_form, refresh_fields, version_of,
    widget_form,
};
use crate::auth::Action;
use crate::dashboards::DashboardsError;
use crate::http::{AppState, HttpError, json_errors};
use crate::http::{Viewer, Writer};
use crate::plugins::{PluginInfo, PluginKind};
use crate::store::{Dashboard, DashboardContent, StoreError, User, Widget};
use axum::middleware::map_response;

/// Routes of the editor.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboards/{id}/layout",
            post(save_layout).layer(map_response(json_errors)),
        )
        .route("/dashboards/{id}/widgets/new", get(new_widget_page))
        .route("/dashboards/{id}/widgets", post(add_widget))
        .route("/dashboards/{id}/widgets/fields", post(refresh_fields))
        .route(
            "/dashboards/{id}/widgets/{widget}/edit",
            get(edit_widget_page),
        )
        .route(
            "/dashboards/{id}/widgets/{widget}/config",
            post(update_widget),
        )
        .route(
            "/dashboards/{id}/widgets/{widget}/delete",
            post(remove_widget),
        )
}

/// A widget's new place, sent by the grid after a drag or resize.
#[derive(Debug, Deserialize)]
pub(super) struct Placement {
    id: String,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    #[serde(default)]
    tab: Option<u32>,
}

/// The grid's layout after a change.
#[derive(Debug, Deserialize)]
pub(super) struct LayoutChange {
    version: u64,
    items: Vec<Placement>,
}

async fn save_layout(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Json(change): Json<LayoutChange>,
) -> Result<Json<Value>, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let mut content = d.content.clone();
    for p in &change.items {
        let w = content
            .widgets
            .iter_mut()
            .find(|w| w.id == p.id)
            .ok_or_else(|| {
                HttpError::unprocessable(format!("no widget {:?} on this dashboard", p.id))
            })?;
        (w.x, w.y, w.w, w.h) = (p.x, p.y, p.w, p.h);
        if let Some(tab) = p.tab {
            w.tab = tab;
        }
    }
    let saved = state
        .dashboards
        .save(&viewer.user, &d, change.version, &content)?;
    Ok(Json(serde_json::json!({ "version": saved.version })))
}

/// `?plugin=ID` picks the widget plugin.
#[derive(Debug, Deserialize)]
pub(super) struct NewWidgetParams {
    #[serde(default)]
    plugin: Option<String>,
}

fn widget_plugins(state: &AppState) -> Vec<PluginInfo> {
    state
        .plugins
        .list()
        .into_iter()
        .filter(|p| p.kind == PluginKind::Widget)
        .collect()
}

async fn new_widget_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(params): Query<NewWidgetParams>,
) -> Result<Markup, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let ctx = page_context(&viewer, Section::Dashboards);
    let Some(plugin_id) = params.plugin.filter(|p| !p.is_empty()) else {
        return Ok(page(
            "Add widget",
            &ctx,
            html! {
                div.page-head { h1 { "Add a widget to " (d.content.title) } }
                div.plugin-cards {
                    @for p in widget_plugins(&state) {
                        a href={ "/dashboards/" (id) "/widgets/new?plugin=" (p.meta.id) } {
                            div.panel {
                                strong { (p.meta.name) }
                                p.muted { (p.meta.description) }
                                small.muted { (p.meta.id) " " (p.meta.version) }
                            }
                        }
                    }
                }
            },
        ));
    };
    let plugin = plugin_info(&state, &plugin_id)?;
    let draft = Widget {
        id: String::new(),
        plugin: plugin.meta.id.clone(),
        title: String::new(),
        config: Value::Object(Default::default()),
        x: 0,
        y: 0,
        w: 4,
        h: 3,
        tab: 0,
    };
    Ok(page(
        "Add widget",
        &ctx,
        widget_form(&state, &d, &plugin, &draft, None, &FormNotes::default()),
    ))
}

async fn edit_widget_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, widget_id)): Path<(String, String)>,
) -> Result<Markup, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let widget = find_widget(&d, &widget_id)?.clone();
    let plugin = plugin_info(&state, &widget.plugin)?;
    let ctx = page_context(&viewer, Section::Dashboards);
    Ok(page(
        "Configure widget",
        &ctx,
        widget_form(
            &state,
            &d,
            &plugin,
            &widget,
            Some(&widget_id),
            &FormNotes::default(),
        ),
    ))
}

fn find_widget<'a>(d: &'a Dashboard, widget_id: &str) -> Result<&'a Widget, HttpError> {
    d.content
        .widgets
        .iter()
        .find(|w| w.id == widget_id)
        .ok_or_else(|| HttpError::not_found("no such widget on this dashboard"))
}

async fn add_widget(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let version = version_of(&form)?;
    let plugin = plugin_info(&state, field(&form, "plugin").unwrap_or_default())?;
    let (title, tab, config) = match read_form(&state, &plugin, &form) {
        Ok(parts) => parts,
        Err(errors) => return Ok(form_error(&state, &d, &plugin, &form, None, errors, None)),
    };
    let add = |content: &DashboardContent| {
        let mut content = content.clone();
        let (w, h) = default_size(&plugin);
        let (x, y) = crate::dashboards::first_free_cell(&content, tab, w, h);
        content.widgets.push(Widget {
            id: format!("w{}", crate::store::random_hex(4)),
            plugin: plugin.meta.id.clone(),
            title: title.clone(),
            config: config.clone(),
            x,
            y,
            w,
            h,
            tab,
        });
        Some(content)
    };
    save_or_offer(&state, &viewer.user, &d, version, &form, &plugin, None, add)
}

/// Save `change` applied to dashboard `d` (edited at `version`): on a
/// newer version, the form again offering reload, overwrite (the form
/// then carries the newer version) or a copy; `as_copy` applies the
/// change to a new private copy instead. `change` answers `None` when the
/// widget it changes is gone.
#[expect(
    clippy::too_many_arguments,
    reason = "one save path for both forms; the arguments are the request's parts"
)]
fn save_or_offer(
    state: &AppState,
    user: &User,
    d: &Dashboard,
    version: u64,
    form: &[(String, String)],
    plugin: &PluginInfo,
    existing: Option<&str>,
    change: impl Fn(&DashboardContent) -> Option<DashboardContent>,
) -> Result<Response, HttpError> {
    let gone = || HttpError::not_found("the widget was removed in the meantime");
    if field(form, "as_copy") == Some("true") {
        let copy = state.dashboards.clone_for(user, d.id.as_str())?;
        let content = change(&copy.content).ok_or_else(gone)?;
        let saved = state.dashboards.save(user, &copy, copy.version, &content)?;
        return hx_redirect(&format!("/dashboards/{}", saved.id.as_str()));
    }
    let content = change(&d.content).ok_or_else(gone)?;
    match state.dashboards.save(user, d, version, &content) {
        Ok(saved) => hx_redirect(&format!("/dashboards/{}", saved.id.as_str())),
        Err(DashboardsError::Store(StoreError::Conflict { current_version })) => {
            let newer = state
                .dashboards
                .visible(user, d.id.as_str(), Action::Edit)?;
            Ok(form_error(
                state,
                &newer,
                plugin,
                form,
                existing,
                Default::default(),
                Some(current_version),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn update_widget(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path((id, widget_id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let version = version_of(&form)?;
    let current = find_widget(&d, &widget_id)?.clone();
    let plugin = plugin_info(&state, &current.plugin)?;
    let (title, tab, config) = match read_form(&state, &plugin, &form) {
        Ok(parts) => parts,
        Err(errors) => {
            return Ok(form_error(
                &state,
                &d,
                &plugin,
                &form,
                Some(&widget_id),
                errors,
                None,
            ));
        }
    };
    let update = |content: &DashboardContent| {
        let mut content = content.clone();
        let w = content.widgets.iter_mut().find(|w| w.id == widget_id)?;
        w.title = title.clone();
        w.tab = tab;
        w.config = config.clone();
        Some(content)
    };
    save_or_offer(
        &state,
        &viewer.user,
        &d,
        version,
        &form,
        &plugin,
        Some(&widget_id),
        update,
    )
}

async fn remove_widget(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path((id, widget_id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let version = version_of(&form)?;
    find_widget(&d, &widget_id)?;
    let mut content = d.content.clone();
    content.widgets.retain(|w| w.id != widget_id);
    state.dashboards.save(&viewer.user, &d, version, &content)?;
    hx_redirect(&format!("/dashboards/{}", d.id.as_str()))
}
