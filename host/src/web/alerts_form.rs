//! The alert create/edit form: the common fields (name, metric, rule,
//! range, recipients, schedule, pending count, repeat interval, resolve
//! notification, no-data and error policies, enabled) plus the rule's own
//! settings, generated from its JSON Schema by [`super::schema_form`].
//!
//! A submitted form with mistakes comes back as 422 with each error next
//! to its field and nothing saved. Switching the rule or the schedule kind
//! swaps just that part of the form (htmx fragments).

use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::alerts::alert_id;
use super::alerts_input::{
    FieldErrors, SCHEDULE_KINDS, ScheduleInput, draft_from_form, field, rule_schema,
};
use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use super::schema_form::form_fields;
use crate::alerts::{AlertDraft, AlertError, AlertId, Schedule};
use crate::auth::can_create_dashboard;
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer};
use crate::plugins::PluginKind;

/// What the form edits: a new alert, or a saved one at a version.
#[derive(Debug, Clone, Copy)]
enum Target<'a> {
    New,
    Existing(&'a AlertId, u64),
}

fn blank_draft(state: &AppState) -> AlertDraft {
    // A threshold is what most alerts are; otherwise the first rule.
    let rules: Vec<String> = state
        .plugins
        .list()
        .into_iter()
        .filter(|p| p.kind == PluginKind::AlertRule)
        .map(|p| p.meta.id)
        .collect();
    let rule = rules
        .iter()
        .find(|id| *id == "threshold")
        .or(rules.first())
        .cloned()
        .unwrap_or_default();
    AlertDraft {
        name: String::new(),
        metric: String::new(),
        rule,
        rule_config: Value::Object(Default::default()),
        range: "1h".into(),
        recipients: Vec::new(),
        schedule: Schedule::default(),
        enabled: true,
        pending_count: crate::alerts::DEFAULT_PENDING_COUNT,
        repeat_interval_minutes: crate::alerts::DEFAULT_REPEAT_MINUTES,
        notify_on_resolve: true,
        on_no_data: Default::default(),
        on_error: Default::default(),
        dashboard: None,
    }
}

fn may_create(viewer: &Viewer) -> Result<(), HttpError> {
    if can_create_dashboard(&viewer.user) {
        Ok(())
    } else {
        Err(HttpError::forbidden("viewers cannot create alerts"))
    }
}

/// `GET /alerts/new`.
pub(super) async fn new_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Markup, HttpError> {
    may_create(&viewer)?;
    let draft = blank_draft(&state);
    let schedule = ScheduleInput::of(&draft.schedule);
    Ok(form_page(
        &state,
        &viewer,
        &draft,
        &schedule,
        Target::New,
        &FieldErrors::new(),
    ))
}

/// `GET /alerts/{id}/edit`.
pub(super) async fn edit_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Markup, HttpError> {
    let view = state.alerts.get(&alert_id(&id), &viewer.user)?;
    let a = &view.alert;
    Ok(form_page(
        &state,
        &viewer,
        &a.draft,
        &ScheduleInput::of(&a.draft.schedule),
        Target::Existing(&a.id, a.version),
        &FieldErrors::new(),
    ))
}

/// `POST /alerts`: create from the form.
pub(super) async fn create(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    may_create(&viewer)?;
    let (draft, schedule, mut errors) = draft_from_form(&state.plugins, &form);
    if errors.is_empty() {
        match state.alerts.create(&viewer.user, draft.clone()).await {
            Ok(_) => return hx_redirect("/alerts"),
            Err(AlertError::Invalid { field, message }) => {
                errors.insert(field, message);
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(refused(
        &state,
        &viewer,
        &draft,
        &schedule,
        Target::New,
        &errors,
    ))
}

/// `POST /alerts/{id}`: save the edited form at the version it was read.
pub(super) async fn update(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let id = alert_id(&id);
    // 404 before anything else for alerts the user may not see.
    state.alerts.get(&id, &viewer.user)?;
    let version: u64 = field(&form, "version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| HttpError::bad_request("the form did not say which version it edits"))?;
    let (draft, schedule, mut errors) = draft_from_form(&state.plugins, &form);
    if errors.is_empty() {
        match state
            .alerts
            .update(&id, &viewer.user, draft.clone(), version)
            .await
        {
            Ok(_) => return hx_redirect("/alerts"),
            Err(AlertError::Invalid { field, message }) => {
                errors.insert(field, message);
            }
            Err(other) => return Err(other.into()),
        }
    }
    let target = Target::Existing(&id, version);
    Ok(refused(&state, &viewer, &draft, &schedule, target, &errors))
}

/// The form again, as 422, with the errors next to their fields.
fn refused(
    state: &AppState,
    viewer: &Viewer,
    draft: &AlertDraft,
    schedule: &ScheduleInput,
    target: Target<'_>,
    errors: &FieldErrors,
) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        alert_form(state, viewer, draft, schedule, target, errors),
    )
        .into_response()
}

/// `?rule=ID`: which rule's settings to show.
#[derive(Debug, Deserialize)]
pub(super) struct RuleParams {
    #[serde(default)]
    rule: String,
}

/// `GET /alerts/rule-fields?rule=ID`: the settings of another rule.
pub(super) async fn rule_fields(
    State(state): State<AppState>,
    _viewer: Viewer,
    Query(params): Query<RuleParams>,
) -> Markup {
    rule_fieldset(&state, &params.rule, &Value::Null, &FieldErrors::new())
}

/// `?schedule_kind=daily`: which schedule inputs to show.
#[derive(Debug, Deserialize)]
pub(super) struct ScheduleParams {
    #[serde(default)]
    schedule_kind: String,
}

/// `GET /alerts/schedule-fields?schedule_kind=KIND`: that kind's inputs.
pub(super) async fn schedule_fields(
    _viewer: Viewer,
    Query(params): Query<ScheduleParams>,
) -> Markup {
    schedule_inputs(&ScheduleInput::for_kind(&params.schedule_kind))
}

fn form_page(
    state: &AppState,
    viewer: &Viewer,
    draft: &AlertDraft,
    schedule: &ScheduleInput,
    target: Target<'_>,
    errors: &FieldErrors,
) -> Markup {
    let title = match target {
        Target::New => "New alert",
        Target::Existing(..) => "Edit alert",
    };
    let ctx = page_context(viewer, Section::Alerts);
    page(
        title,
        &ctx,
        alert_form(state, viewer, draft, schedule, target, errors),
    )
}

fn error_of(errors: &FieldErrors, name: &str) -> Markup {
    html! {
        @if let Some(e) = errors.get(name) { div.field-error role="alert" { (e) } }
    }
}

/// The settings of rule `rule`, from its schema (metric left out: the
/// alert's metric picker sets it).
fn rule_fieldset(state: &AppState, rule: &str, config: &Value, errors: &FieldErrors) -> Markup {
    let schema = rule_schema(&state.plugins, rule);
    let by_key: FieldErrors = errors
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("rule_config.")?.to_owned(), v.clone())))
        .collect();
    let description = state
        .plugins
        .alert_rule(rule)
        .ok()
        .map(|p| p.info().meta.description.clone());
    html! {
        fieldset #rule-fields {
            legend { "Rule settings" }
            @if let Some(d) = description { p.muted { small { (d) } } }
            @match &schema {
                Some(schema) => { (form_fields(schema, config, &[], &[], &by_key)) }
                None => { p.muted { "Choose an installed rule." } }
            }
            (error_of(errors, "rule_config"))
        }
    }
}

fn schedule_inputs(s: &ScheduleInput) -> Markup {
    html! {
        div #schedule-fields {
            @match s.kind.as_str() {
                "every" => {
                    div.field {
                        label for="a-every" { "Every how many minutes" }
                        input #a-every type="number" name="every_minutes" min="1" step="1" value=(s.every) required;
                    }
                }
                "hourly" => {
                    div.field {
                        label for="a-minute" { "At minute of the hour" }
                        input #a-minute type="number" name="hourly_minute" min="0" max="59" step="1" value=(s.minute) required;
                    }
                }
                "daily" | "weekly" => {
                    @if s.kind == "weekly" {
                        div.field {
                            label for="a-day" { "Day" }
                            select #a-day name="weekly_day" {
                                @for (v, label) in [("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"),
                                    ("thu", "Thursday"), ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday")] {
                                    option value=(v) selected[s.day == v] { (label) }
                                }
                            }
                        }
                    }
                    div.field {
                        label for="a-at" { "At (HH:MM, local time)" }
                        input #a-at type="text" name="schedule_at" value=(s.at) pattern="[0-9]{1,2}:[0-9]{2}" required;
                    }
                }
                "cron" => {
                    div.field {
                        label for="a-cron" { "Cron expression" }
                        input #a-cron type="text" name="cron_expr" value=(s.expr) required;
                        div.muted { small { "Five fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5." } }
                    }
                }
                _ => { p.muted { "Choose how often the alert runs." } }
            }
        }
    }
}

fn alert_form(
    state: &AppState,
    viewer: &Viewer,
    draft: &AlertDraft,
    schedule: &ScheduleInput,
    target: Target<'_>,
    errors: &FieldErrors,
) -> Markup {
    let metrics = state.data.metrics();
    let rules: Vec<_> = state
        .plugins
        .list()
        .into_iter()
        .filter(|p| p.kind == PluginKind::AlertRule)
        .collect();
    let dashboards = state.dashboards.list(&viewer.user).unwrap_or_default();
    let (action, version) = match target {
        Target::New => ("/alerts".to_owned(), None),
        Target::Existing(id, v) => (format!("/alerts/{}", id.as_str()), Some(v)),
    };
    let known: [&str; 12] = [
        "",
        "name",
        "metric",
        "rule",
        "rule_config",
        "range",
        "recipients",
        "schedule",
        "pending_count",
        "repeat_interval_minutes",
        "on_no_data",
        "on_error",
    ];
    // Errors on fields the form does not show (e.g. `dashboard`) go on top.
    let elsewhere: Vec<String> = errors
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()) && !k.starts_with("rule_config."))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let tz = state.alerts.timezone();
    html! {
        div #alert-form {
            div.page-head { h1 { (match target { Target::New => "New alert", Target::Existing(..) => "Edit alert" }) } }
            form.panel hx-post=(action) hx-target="#alert-form" hx-swap="outerHTML" {
                @if let Some(v) = version { input type="hidden" name="version" value=(v); }
                @if !errors.is_empty() {
                    div.flash.error role="alert" {
                        "Nothing was saved: please correct the fields marked below."
                        @if let Some(e) = errors.get("") { " " (e) }
                        @for e in &elsewhere { br; (e) }
                    }
                }
                div.field {
                    label for="a-name" { "Name *" }
                    input #a-name type="text" name="name" value=(draft.name) required maxlength="120";
                    (error_of(errors, "name"))
                }
                div.field {
                    label for="a-metric" { "Metric *" }
                    select #a-metric name="metric" required {
                        option value="" { "—" }
                        @for m in &metrics {
                            option value=(m.name) selected[m.name == draft.metric] { (m.label) " (" (m.name) ")" }
                        }
                    }
                    (error_of(errors, "metric"))
                }
                div.field {
                    label for="a-range" { "Time range evaluated" }
                    input #a-range type="text" name="range" value=(draft.range) required;
                    div.muted { small { "e.g. 1h, 24h, 7d, today, this_week" } }
                    (error_of(errors, "range"))
                }
                div.field {
                    label for="a-rule" { "Rule *" }
                    select #a-rule name="rule" hx-get="/alerts/rule-fields" hx-target="#rule-fields" hx-swap="outerHTML" {
                        @for r in &rules {
                            option value=(r.meta.id) selected[r.meta.id == draft.rule] { (r.meta.name) " (" (r.meta.id) ")" }
                        }
                        @if !rules.iter().any(|r| r.meta.id == draft.rule) && !draft.rule.is_empty() {
                            option value=(draft.rule) selected { (draft.rule) " (not installed)" }
                        }
                    }
                    (error_of(errors, "rule"))
                }
                (rule_fieldset(state, &draft.rule, &draft.rule_config, errors))
                div.field {
                    label for="a-recipients" { "Recipients *" }
                    textarea #a-recipients name="recipients" rows="2" required { (draft.recipients.join("\n")) }
                    div.muted { small { "Email addresses, one per line or separated by commas." } }
                    (error_of(errors, "recipients"))
                }
                fieldset {
                    legend { "Schedule (" (tz.name()) ")" }
                    div.field {
                        label for="a-kind" { "Runs" }
                        select #a-kind name="schedule_kind" hx-get="/alerts/schedule-fields" hx-target="#schedule-fields" hx-swap="outerHTML" {
                            @for (v, label) in SCHEDULE_KINDS {
                                option value=(v) selected[schedule.kind == v] { (label) }
                            }
                        }
                    }
                    (schedule_inputs(schedule))
                    (error_of(errors, "schedule"))
                }
                fieldset {
                    legend { "Notifications" }
                    div.field {
                        label for="a-pending" { "Fire after this many firing evaluations in a row" }
                        input #a-pending type="number" name="pending_count" min="1" step="1" value=(draft.pending_count);
                        (error_of(errors, "pending_count"))
                    }
                    div.field {
                        label for="a-repeat" { "While firing, notify again every (minutes, 0 = never)" }
                        input #a-repeat type="number" name="repeat_interval_minutes" min="0" step="1" value=(draft.repeat_interval_minutes);
                        (error_of(errors, "repeat_interval_minutes"))
                    }
                    div.field {
                        label for="a-resolve" {
                            input #a-resolve type="checkbox" name="notify_on_resolve" value="true" checked[draft.notify_on_resolve];
                            " Notify when it resolves"
                        }
                    }
                    div.field {
                        label for="a-nodata" { "When there is no data" }
                        select #a-nodata name="on_no_data" {
                            @for (v, label) in [("no_data", "Show NO_DATA"), ("ok", "Treat as OK"), ("alerting", "Treat as firing"), ("keep", "Keep the last state")] {
                                option value=(v) selected[policy_name(&draft.on_no_data) == v] { (label) }
                            }
                        }
                        (error_of(errors, "on_no_data"))
                    }
                    div.field {
                        label for="a-onerror" { "When the evaluation fails" }
                        select #a-onerror name="on_error" {
                            @for (v, label) in [("error", "Show ERROR"), ("alerting", "Treat as firing"), ("keep", "Keep the last state")] {
                                option value=(v) selected[policy_name(&draft.on_error) == v] { (label) }
                            }
                        }
                        (error_of(errors, "on_error"))
                    }
                    @if !dashboards.is_empty() {
                        div.field {
                            label for="a-dashboard" { "Dashboard linked in the email" }
                            select #a-dashboard name="dashboard" {
                                option value="" { "—" }
                                @for d in &dashboards {
                                    option value=(d.id.as_str()) selected[draft.dashboard.as_ref() == Some(&d.id)] { (d.content.title) }
                                }
                            }
                        }
                    }
                }
                div.field {
                    label for="a-enabled" {
                        input #a-enabled type="checkbox" name="enabled" value="true" checked[draft.enabled];
                        " Enabled (unchecked: paused, never evaluated by the schedule)"
                    }
                }
                div.toolbar {
                    button.btn-primary type="submit" { (match target { Target::New => "Create alert", Target::Existing(..) => "Save" }) }
                    button type="button" hx-post="/alerts/test" hx-target="#test-result" hx-swap="innerHTML" { "Test now" }
                    label for="a-test-email" {
                        input #a-test-email type="checkbox" name="send_test_email" value="true";
                        " also send a test email"
                    }
                    a.btn href="/alerts" { "Cancel" }
                }
                div #test-result aria-live="polite" {}
            }
        }
    }
}

/// The serde name of a policy value (`no_data`, `keep`, ...).
fn policy_name<T: serde::Serialize>(policy: &T) -> String {
    serde_json::to_value(policy)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
