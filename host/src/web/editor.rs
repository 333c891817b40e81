//! The layout editor: save positions after a drag, add, configure and
//! remove widgets. Every save names the version it was edited from, so a
//! stale page gets a 409 instead of silently overwriting someone's change.

use std::collections::BTreeMap;

use axum::Form;
use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use super::schema_form::{Pickers, config_from_form, widget_fields};
use crate::auth::Action;
use crate::http::{AppState, HttpError, json_errors};
use crate::http::{Viewer, Writer};
use crate::plugins::{PluginInfo, PluginKind};
use crate::store::{Dashboard, GRID_COLUMNS, Layout, Widget};
use crate::widget::WidgetSchema;
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
        title: plugin.meta.name.clone(),
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
        widget_form(&state, &d, &plugin, &draft, None, &BTreeMap::new(), ""),
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
            &BTreeMap::new(),
            "",
        ),
    ))
}

fn plugin_info(state: &AppState, id: &str) -> Result<PluginInfo, HttpError> {
    state
        .plugins
        .widget(id)
        .map(|w| w.info().clone())
        .map_err(|_| HttpError::unprocessable(format!("there is no widget plugin {id:?}")))
}

fn find_widget<'a>(d: &'a Dashboard, widget_id: &str) -> Result<&'a Widget, HttpError> {
    d.content
        .widgets
        .iter()
        .find(|w| w.id == widget_id)
        .ok_or_else(|| HttpError::not_found("no such widget on this dashboard"))
}

fn widget_form(
    state: &AppState,
    d: &Dashboard,
    plugin: &PluginInfo,
    widget: &Widget,
    existing: Option<&str>,
    errors: &BTreeMap<String, String>,
    raw: &str,
) -> Markup {
    let schema = schema_of(state, plugin);
    let id = d.id.as_str();
    let action = match existing {
        Some(w) => format!("/dashboards/{id}/widgets/{w}/config"),
        None => format!("/dashboards/{id}/widgets"),
    };
    let known = |k: &String| k == "title" || schema.json()["properties"].get(k).is_some();
    let elsewhere: Vec<(&String, &String)> = errors.iter().filter(|(k, _)| !known(k)).collect();
    html! {
        div #widget-form {
            div.page-head { h1 { (if existing.is_some() { "Configure " } else { "Add " }) (plugin.meta.name) } }
            form.panel hx-post=(action) hx-target="#widget-form" hx-swap="outerHTML" {
                input type="hidden" name="plugin" value=(plugin.meta.id);
                input type="hidden" name="version" value=(d.version);
                @if !elsewhere.is_empty() {
                    div.flash.error role="alert" {
                        @for (k, e) in &elsewhere {
                            div { @if !k.is_empty() && !e.contains(k.as_str()) { code { (k) } ": " } (e) }
                        }
                    }
                }
                div.field {
                    label for="w-title" { "Title *" }
                    input #w-title type="text" name="title" value=(widget.title) required maxlength="200";
                    @if let Some(e) = errors.get("title") { div.field-error role="alert" { (e) } }
                }
                @if let Layout::Tabs { tabs } = &d.content.layout {
                    div.field {
                        label for="w-tab" { "Tab" }
                        select #w-tab name="tab" {
                            @for (i, name) in tabs.iter().enumerate() {
                                option value=(i) selected[i as u32 == widget.tab] { (name) }
                            }
                        }
                    }
                }
                fieldset {
                    legend { "Settings" }
                    div #settings-fields {
                        (settings_fields(state, d, &schema, &widget.config, errors))
                    }
                }
                details open[!raw.is_empty()] {
                    summary { "Advanced: raw JSON" }
                    p.muted { small { "When filled in, this JSON replaces the settings above; it is checked against the same schema." } }
                    label.sr-only for="w-raw" { "Config JSON" }
                    textarea #w-raw.raw-json name="config_json" { (raw) }
                    p.muted { small { "Current: " code { (widget.config.to_string()) } } }
                }
                div.toolbar {
                    button.btn-primary type="submit" { (if existing.is_some() { "Save" } else { "Add widget" }) }
                    a.btn href={ "/dashboards/" (id) } { "Cancel" }
                    @if let Some(w) = existing {
                        button.btn-danger type="button" hx-post={ "/dashboards/" (id) "/widgets/" (w) "/delete" }
                            hx-vals={ r#"{"version": ""# (d.version) r#""}"# }
                            hx-confirm="Remove this widget?" { "Remove" }
                    }
                }
            }
        }
    }
}

/// The settings of `schema` with the catalog's pickers; a changed metric
/// or dataset asks for them again (the dimensions and columns follow it).
fn settings_fields(
    state: &AppState,
    d: &Dashboard,
    schema: &WidgetSchema,
    config: &Value,
    errors: &BTreeMap<String, String>,
) -> Markup {
    let metrics = state.data.metrics();
    let datasets = state.data.datasets();
    let refresh = format!("/dashboards/{}/widgets/fields", d.id.as_str());
    let pickers = Pickers {
        metrics: &metrics,
        datasets: &datasets,
        refresh: Some(&refresh),
    };
    widget_fields(schema.json(), config, pickers, errors)
}

/// The settings fields again for the form's current values (after the
/// metric or dataset changed).
async fn refresh_fields(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Markup, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let plugin = plugin_info(&state, field(&form, "plugin").unwrap_or_default())?;
    let schema = schema_of(&state, &plugin);
    let config =
        config_from_form(schema.json(), &form).unwrap_or(Value::Object(Default::default()));
    Ok(settings_fields(
        &state,
        &d,
        &schema,
        &config,
        &BTreeMap::new(),
    ))
}

/// Read title, tab and config from the submitted form; errors by field.
fn read_form(
    state: &AppState,
    plugin: &PluginInfo,
    form: &[(String, String)],
) -> Result<(String, u32, Value), BTreeMap<String, String>> {
    let get = |k: &str| field(form, k).map(str::trim);
    let schema = schema_of(state, plugin);
    let mut errors = BTreeMap::new();
    let title = get("title").unwrap_or_default().to_owned();
    if title.is_empty() {
        errors.insert("title".into(), "a widget needs a title".into());
    }
    let tab = get("tab").and_then(|t| t.parse().ok()).unwrap_or(0);
    let config = match get("config_json").filter(|s| !s.is_empty()) {
        Some(raw) => serde_json::from_str(raw).map_err(|e| {
            BTreeMap::from([(String::new(), format!("the raw JSON is not valid: {e}"))])
        })?,
        None => config_from_form(schema.json(), form)?,
    };
    schema.validate(&config)?;
    if errors.is_empty() {
        Ok((title, tab, config))
    } else {
        Err(errors)
    }
}

/// The first value submitted under `name`, as sent.
fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A widget plugin's one schema: its keys and the binding keys.
fn schema_of(state: &AppState, plugin: &PluginInfo) -> std::sync::Arc<WidgetSchema> {
    state.schemas.of(&plugin.meta.id).unwrap_or_else(|| {
        // The plugin was removed since it was looked up: no keys at all.
        std::sync::Arc::new(WidgetSchema::new(
            &plugin.meta.id,
            &Value::Null,
            crate::frame::DataShape::Scalar,
            crate::widget::Catalog {
                metrics: &[],
                datasets: &[],
            },
        ))
    })
}

fn version_of(form: &[(String, String)]) -> Result<u64, HttpError> {
    field(form, "version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| HttpError::bad_request("the form did not say which version it edits"))
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
        Err(errors) => return Ok(form_error(&state, &d, &plugin, &form, None, &errors)),
    };
    let mut content = d.content.clone();
    let bottom = content
        .widgets
        .iter()
        .filter(|w| w.tab == tab)
        .map(|w| w.y + w.h)
        .max()
        .unwrap_or(0);
    let widget_id = format!("w{}", crate::store::random_hex(4));
    let (w, h) = match plugin.data_shape() {
        Some(crate::frame::DataShape::Scalar) => (3, 2),
        Some(crate::frame::DataShape::Rows) => (GRID_COLUMNS, 4),
        _ => (6, 4),
    };
    content.widgets.push(Widget {
        id: widget_id,
        plugin: plugin.meta.id.clone(),
        title,
        config,
        x: 0,
        y: bottom,
        w,
        h,
        tab,
    });
    state.dashboards.save(&viewer.user, &d, version, &content)?;
    hx_redirect(&format!("/dashboards/{}", d.id.as_str()))
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
                &errors,
            ));
        }
    };
    let mut content = d.content.clone();
    if let Some(w) = content.widgets.iter_mut().find(|w| w.id == widget_id) {
        w.title = title;
        w.tab = tab;
        w.config = config;
    }
    state.dashboards.save(&viewer.user, &d, version, &content)?;
    hx_redirect(&format!("/dashboards/{}", d.id.as_str()))
}

/// The form again with the errors next to their fields, as 422.
fn form_error(
    state: &AppState,
    d: &Dashboard,
    plugin: &PluginInfo,
    form: &[(String, String)],
    existing: Option<&str>,
    errors: &BTreeMap<String, String>,
) -> Response {
    let get = |k: &str| field(form, k);
    let schema = schema_of(state, plugin);
    let config = match field(form, "config_json")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => serde_json::from_str(raw).unwrap_or(Value::Object(Default::default())),
        None => config_from_form(schema.json(), form).unwrap_or(Value::Object(Default::default())),
    };
    let draft = Widget {
        id: String::new(),
        plugin: plugin.meta.id.clone(),
        title: get("title").unwrap_or_default().to_owned(),
        config,
        x: 0,
        y: 0,
        w: 1,
        h: 1,
        tab: get("tab").and_then(|t| t.parse().ok()).unwrap_or(0),
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        widget_form(
            state,
            d,
            plugin,
            &draft,
            existing,
            errors,
            field(form, "config_json").unwrap_or_default(),
        ),
    )
        .into_response()
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
