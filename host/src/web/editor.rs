//! The widget editor: add, configure and remove widgets. Every save names
//! the version it was edited from, so a stale page gets a conflict instead
//! of silently overwriting someone's change; the form then offers reload,
//! overwrite or a copy (see [`super::conflict`]).

use axum::Form;
use axum::{
    Router,
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::conflict::{self, Outcome};
use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use super::widget_form::{
    FormNotes, Refusal, default_size, field, form_error, plugin_info, read_form, refresh_fields,
    version_of, widget_form,
};
use crate::auth::Action;
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer};
use crate::plugins::{PluginInfo, PluginKind};
use crate::store::{Dashboard, DashboardContent, User, Widget};

/// Routes of the editor.
pub(super) fn router() -> Router<AppState> {
    Router::new()
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
        widget_form(
            &state,
            &viewer.user,
            &d,
            &plugin,
            &draft,
            None,
            &FormNotes::default(),
        ),
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
            &viewer.user,
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
    let version = conflict::expected_version(&form)?;
    let plugin = plugin_info(&state, field(&form, "plugin").unwrap_or_default())?;
    let (title, tab, config) = match read_or_refuse(&state, &viewer.user, &d, &plugin, &form, None)
    {
        Ok(parts) => parts,
        Err(page) => return Ok(*page),
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
        Ok(content)
    };
    let message = format!("Added “{title}”");
    let saving = Saving {
        d: &d,
        version,
        form: &form,
        plugin: &plugin,
        existing: None,
        message: &message,
    };
    save_or_offer(&state, &viewer.user, &saving, add)
}

/// The form's title, tab and config, or the form again with the errors
/// next to their fields (422) and what the user typed.
fn read_or_refuse(
    state: &AppState,
    user: &User,
    d: &Dashboard,
    plugin: &PluginInfo,
    form: &[(String, String)],
    existing: Option<&str>,
) -> Result<(String, u32, Value), Box<Response>> {
    read_form(state, user, plugin, form).map_err(|errors| {
        Box::new(form_error(
            state,
            user,
            d,
            plugin,
            form,
            existing,
            Refusal::Invalid(errors),
        ))
    })
}

/// A widget form's save: the dashboard as loaded, the version it was
/// edited from, the form as sent, and what the save is called in the
/// history.
struct Saving<'a> {
    d: &'a Dashboard,
    version: u64,
    form: &'a [(String, String)],
    plugin: &'a PluginInfo,
    /// The widget being configured (`None` while adding one).
    existing: Option<&'a str>,
    message: &'a str,
}

/// Save `change` (see [`conflict::save`]): on to the dashboard (or the
/// copy), or, when someone saved first, the form again with what the user
/// typed and the three ways on (409).
fn save_or_offer(
    state: &AppState,
    user: &User,
    s: &Saving<'_>,
    change: impl Fn(&DashboardContent) -> Result<DashboardContent, HttpError>,
) -> Result<Response, HttpError> {
    let copy = conflict::as_copy(s.form);
    match conflict::save(state, user, s.d, s.version, copy, Some(s.message), change)? {
        Outcome::Saved(saved) => hx_redirect(&format!("/dashboards/{}", saved.id.as_str())),
        Outcome::Stale(newer) => Ok(form_error(
            state,
            user,
            &newer,
            s.plugin,
            s.form,
            s.existing,
            Refusal::Stale(newer.version),
        )),
    }
}

async fn update_widget(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path((id, widget_id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let version = conflict::expected_version(&form)?;
    let current = find_widget(&d, &widget_id)?.clone();
    let plugin = plugin_info(&state, &current.plugin)?;
    let existing = Some(widget_id.as_str());
    let (title, tab, config) =
        match read_or_refuse(&state, &viewer.user, &d, &plugin, &form, existing) {
            Ok(parts) => parts,
            Err(page) => return Ok(*page),
        };
    let update = |content: &DashboardContent| {
        let mut content = content.clone();
        let w = content
            .widgets
            .iter_mut()
            .find(|w| w.id == widget_id)
            .ok_or_else(|| HttpError::not_found("the widget was removed in the meantime"))?;
        w.title = title.clone();
        w.tab = tab;
        w.config = config.clone();
        Ok(content)
    };
    let message = format!("Changed “{title}”");
    let saving = Saving {
        d: &d,
        version,
        form: &form,
        plugin: &plugin,
        existing: Some(&widget_id),
        message: &message,
    };
    save_or_offer(&state, &viewer.user, &saving, update)
}

async fn remove_widget(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path((id, widget_id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let version = version_of(&form)?;
    let title = find_widget(&d, &widget_id)?.title.clone();
    let mut content = d.content.clone();
    content.widgets.retain(|w| w.id != widget_id);
    let message = format!("Removed “{title}”");
    state
        .dashboards
        .save(&viewer.user, &d, version, &content, Some(&message))?;
    hx_redirect(&format!("/dashboards/{}", d.id.as_str()))
}
