//! The widget form: settings generated from the widget's one schema with
//! pickers from the catalog, the raw JSON as an advanced tab checked the
//! same way, the live preview beside it, and what a save that met a newer
//! version offers (reload, overwrite, save as a copy) without losing what
//! the user typed.

use std::collections::BTreeMap;

use axum::{
    Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use maud::{Markup, html};
use serde_json::Value;

use super::schema_form::{Pickers, config_from_form, widget_fields};
use crate::auth::Action;
use crate::http::{AppState, HttpError, Writer};
use crate::plugins::PluginInfo;
use crate::store::{Dashboard, GRID_COLUMNS, Layout, User, Widget};
use crate::widget::WidgetSchema;

/// What the form shows besides the widget: errors by field, the raw JSON
/// as typed, and whether a save met a newer version.
#[derive(Debug, Default)]
pub(super) struct FormNotes {
    /// Errors by field (`""` for the whole form).
    pub(super) errors: BTreeMap<String, String>,
    /// The raw JSON as the user typed it.
    pub(super) raw: String,
    /// A save found this newer version: offer reload, overwrite or copy.
    pub(super) conflict: Option<u64>,
}

/// The add/configure form of `widget` on dashboard `d`, beside its live
/// preview; `existing` is the id of a widget being configured.
pub(super) fn widget_form(
    state: &AppState,
    user: &User,
    d: &Dashboard,
    plugin: &PluginInfo,
    widget: &Widget,
    existing: Option<&str>,
    notes: &FormNotes,
) -> Markup {
    let (errors, raw) = (&notes.errors, notes.raw.as_str());
    let schema = schema_of(state, user, plugin);
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
            form.widget-editor hx-post=(action) autocomplete="off" hx-target="#widget-form" hx-swap="outerHTML" {
              div.panel.editor-main {
                input type="hidden" name="plugin" value=(plugin.meta.id);
                input type="hidden" name="version" value=(d.version);
                @if let Some(now) = notes.conflict {
                    (super::conflict::choices(now, "Your settings are kept below.", &reload_href(d, existing)))
                }
                @if !elsewhere.is_empty() {
                    div.flash.error role="alert" {
                        @for (k, e) in &elsewhere {
                            div { @if !k.is_empty() && !e.contains(k.as_str()) { code { (k) } ": " } (e) }
                        }
                    }
                }
                div.field {
                    label for="w-title" { "Title" }
                    input #w-title type="text" name="title" value=(widget.title) maxlength="200"
                        placeholder="Empty: the metric's or dataset's name";
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
                        (settings_fields(state, user, d, &schema, &widget.config, errors))
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
                    // After a conflict the banner's choices say how to save.
                    @if notes.conflict.is_none() {
                        button.btn-primary type="submit" {
                            (if existing.is_some() { "Save" } else { "Add widget" })
                        }
                    }
                    a.btn href={ "/dashboards/" (id) } { "Cancel" }
                    @if let Some(w) = existing {
                        button.btn-danger type="button" hx-post={ "/dashboards/" (id) "/widgets/" (w) "/delete" }
                            hx-vals={ r#"{"version": ""# (d.version) r#""}"# }
                            hx-confirm="Remove this widget?" { "Remove" }
                    }
                }
              }
              (super::widget_preview::panel(id))
            }
        }
    }
}

/// Where "reload" goes after a conflict: the widget's form again, or the
/// dashboard when adding one.
fn reload_href(d: &Dashboard, existing: Option<&str>) -> String {
    match existing {
        Some(w) => format!("/dashboards/{}/widgets/{w}/edit", d.id.as_str()),
        None => format!("/dashboards/{}", d.id.as_str()),
    }
}

/// The settings of `schema` with the catalog's pickers; a changed metric
/// or dataset asks for them again (the dimensions and columns follow it).
pub(super) fn settings_fields(
    state: &AppState,
    user: &User,
    d: &Dashboard,
    schema: &WidgetSchema,
    config: &Value,
    errors: &BTreeMap<String, String>,
) -> Markup {
    let metrics = state.metrics_for(user);
    let datasets = state.datasets_for(user);
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
pub(super) async fn refresh_fields(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Markup, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::Edit)?;
    let plugin = plugin_info(&state, field(&form, "plugin").unwrap_or_default())?;
    let schema = schema_of(&state, &viewer.user, &plugin);
    let mut config =
        config_from_form(schema.json(), &form).unwrap_or(Value::Object(Default::default()));
    // A new metric brings its own good direction.
    if headers.get("hx-trigger-name").and_then(|v| v.to_str().ok()) == Some("cfg.metric")
        && let Some(object) = config.as_object_mut()
    {
        object.remove("higher_is_better");
    }
    Ok(settings_fields(
        &state,
        &viewer.user,
        &d,
        &schema,
        &config,
        &BTreeMap::new(),
    ))
}

/// Read title, tab and config from the submitted form; errors by field.
pub(super) fn read_form(
    state: &AppState,
    user: &User,
    plugin: &PluginInfo,
    form: &[(String, String)],
) -> Result<(String, u32, Value), BTreeMap<String, String>> {
    let get = |k: &str| field(form, k).map(str::trim);
    let schema = schema_of(state, user, plugin);
    let mut title = get("title").unwrap_or_default().to_owned();
    let tab = get("tab").and_then(|t| t.parse().ok()).unwrap_or(0);
    let config = match get("config_json").filter(|s| !s.is_empty()) {
        Some(raw) => serde_json::from_str(raw).map_err(|e| {
            BTreeMap::from([(String::new(), format!("the raw JSON is not valid: {e}"))])
        })?,
        None => config_from_form(schema.json(), form)?,
    };
    schema.validate(&config)?;
    if title.is_empty() {
        title = default_title(state, plugin, &config);
    }
    Ok((title, tab, config))
}

/// The config the form describes as far as it can be read (the raw JSON
/// when given, else the settings), for redrawing the form or a preview.
pub(super) fn draft_config(schema: &WidgetSchema, form: &[(String, String)]) -> Value {
    let empty = || Value::Object(Default::default());
    match field(form, "config_json")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => serde_json::from_str(raw).unwrap_or_else(|_| empty()),
        None => config_from_form(schema.json(), form).unwrap_or_else(|_| empty()),
    }
}

/// The size a new widget of `plugin` starts with: cards small, tables
/// full width, charts half.
pub(super) fn default_size(plugin: &PluginInfo) -> (u32, u32) {
    match plugin.data_shape() {
        Some(crate::frame::DataShape::Scalar) => (3, 2),
        Some(crate::frame::DataShape::Rows) => (GRID_COLUMNS, 4),
        _ => (6, 4),
    }
}

/// A title for a widget left untitled: its metric's or dataset's label,
/// else the plugin's name.
pub(super) fn default_title(state: &AppState, plugin: &PluginInfo, config: &Value) -> String {
    let named = |key: &str| config.get(key).and_then(Value::as_str);
    let metric = named("metric").and_then(|m| {
        state
            .data
            .metrics()
            .into_iter()
            .find(|i| i.name == m)
            .map(|i| i.label)
    });
    let dataset = || {
        named("dataset").and_then(|d| {
            state
                .data
                .datasets()
                .into_iter()
                .find(|i| i.name == d)
                .map(|i| i.label)
        })
    };
    let base = metric
        .or_else(dataset)
        .unwrap_or_else(|| plugin.meta.name.clone());
    match named("dimension") {
        Some(dimension) => format!("{base} by {dimension}"),
        None => base,
    }
}

/// The first value submitted under `name`, as sent.
pub(super) fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A widget plugin's one schema as `user` sees it (the pickers offer only
/// what they may read).
pub(super) fn schema_of(
    state: &AppState,
    user: &User,
    plugin: &PluginInfo,
) -> std::sync::Arc<WidgetSchema> {
    state
        .schemas
        .for_reader(&plugin.meta.id, user)
        .unwrap_or_else(|| {
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

pub(super) fn version_of(form: &[(String, String)]) -> Result<u64, HttpError> {
    field(form, "version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| HttpError::bad_request("the form did not say which version it edits"))
}

/// The widget plugin `id`, or a 422 naming it.
pub(super) fn plugin_info(state: &AppState, id: &str) -> Result<PluginInfo, HttpError> {
    state
        .plugins
        .widget(id)
        .map(|w| w.info().clone())
        .map_err(|_| HttpError::unprocessable(format!("there is no widget plugin {id:?}")))
}

/// Why a form comes back: its fields failed their checks (422), or its
/// save met a newer version (409).
pub(super) enum Refusal {
    /// Errors by field (`""` for the whole form).
    Invalid(BTreeMap<String, String>),
    /// The version saved meanwhile; the three ways on are offered.
    Stale(u64),
}

/// The form again with what the user typed: errors next to their fields,
/// or, when a save met a newer version, the three ways on.
pub(super) fn form_error(
    state: &AppState,
    user: &User,
    d: &Dashboard,
    plugin: &PluginInfo,
    form: &[(String, String)],
    existing: Option<&str>,
    refusal: Refusal,
) -> Response {
    let get = |k: &str| field(form, k);
    let config = draft_config(&schema_of(state, user, plugin), form);
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
    let (status, errors, conflict) = match refusal {
        Refusal::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Refusal::Stale(now) => (StatusCode::CONFLICT, BTreeMap::new(), Some(now)),
    };
    let notes = FormNotes {
        errors,
        raw: field(form, "config_json").unwrap_or_default().to_owned(),
        conflict,
    };
    (
        status,
        widget_form(state, user, d, plugin, &draft, existing, &notes),
    )
        .into_response()
}
