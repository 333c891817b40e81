//! The markup of the alert create/edit form, one partial per part of the
//! form: the basics (name, metric, range, rule and its settings), the
//! recipients, the schedule, the notification policies and the toolbar.
//! The handlers live in [`super::alerts_form`].
//!
//! A rule's settings come from its JSON Schema ([`super::schema_form`]);
//! values of the alert's metric are shown and typed in the metric's
//! display unit (3 for 3% of a percent metric, see
//! [`crate::alerts::units`]).

use maud::{Markup, html};
use serde_json::Value;

use super::alerts_input::{FieldErrors, SCHEDULE_KINDS, ScheduleInput, metric_format, rule_schema};
use super::dashboards::page_context;
use super::layout::{Section, page};
use super::schema_form::form_fields;
use crate::alerts::{AlertDraft, AlertId, units};
use crate::data::MetricInfo;
use crate::http::{AppState, Viewer};
use crate::plugins::{PluginInfo, PluginKind};
use crate::store::Dashboard;

/// What the form edits: a new alert, or a saved one at a version.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target<'a> {
    New,
    Existing(&'a AlertId, u64),
}

/// Field names the form shows errors next to; errors on other fields go on
/// top.
const KNOWN_FIELDS: [&str; 12] = [
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

/// The whole page around the form.
pub(super) fn form_page(
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

pub(super) fn error_of(errors: &FieldErrors, name: &str) -> Markup {
    html! {
        @if let Some(e) = errors.get(name) { div.field-error role="alert" { (e) } }
    }
}

/// The settings of rule `rule` for an alert on `metric`, from the rule's
/// schema (metric and internal keys left out, metric values in the
/// metric's display unit).
pub(super) fn rule_fieldset(
    state: &AppState,
    rule: &str,
    metric: &str,
    config: &Value,
    errors: &FieldErrors,
) -> Markup {
    let format = metric_format(&state.data.metrics(), metric);
    let schema = rule_schema(&state.plugins, rule, &format);
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
                Some(schema) => {
                    @let shown = units::to_display(config, schema, &format);
                    (form_fields(schema, &shown, &[], &[], &by_key))
                }
                None => { p.muted { "Choose an installed rule." } }
            }
            (error_of(errors, "rule_config"))
        }
    }
}

/// The inputs of one kind of schedule.
pub(super) fn schedule_inputs(s: &ScheduleInput) -> Markup {
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

/// The form, as a fragment the handlers swap in on a refusal.
pub(super) fn alert_form(
    state: &AppState,
    viewer: &Viewer,
    draft: &AlertDraft,
    schedule: &ScheduleInput,
    target: Target<'_>,
    errors: &FieldErrors,
) -> Markup {
    let (action, version) = match target {
        Target::New => ("/alerts".to_owned(), None),
        Target::Existing(id, v) => (format!("/alerts/{}", id.as_str()), Some(v)),
    };
    let dashboards = state.dashboards.list(&viewer.user).unwrap_or_default();
    html! {
        div #alert-form {
            div.page-head { h1 { (match target { Target::New => "New alert", Target::Existing(..) => "Edit alert" }) } }
            form.panel hx-post=(action) hx-target="#alert-form" hx-swap="outerHTML" {
                @if let Some(v) = version { input type="hidden" name="version" value=(v); }
                (refusal(errors))
                (basics(state, viewer, draft, errors))
                (recipients_field(draft, errors))
                (schedule_fieldset(state, schedule, errors))
                (notifications_fieldset(draft, &dashboards, errors))
                (toolbar(draft, target))
            }
        }
    }
}

/// "Nothing was saved", with the errors of fields the form does not show.
fn refusal(errors: &FieldErrors) -> Markup {
    let elsewhere: Vec<String> = errors
        .iter()
        .filter(|(k, _)| !KNOWN_FIELDS.contains(&k.as_str()) && !k.starts_with("rule_config."))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    html! {
        @if !errors.is_empty() {
            div.flash.error role="alert" {
                "Nothing was saved: please correct the fields marked below."
                @if let Some(e) = errors.get("") { " " (e) }
                @for e in &elsewhere { br; (e) }
            }
        }
    }
}

/// Name, metric, range, rule and the rule's settings. Changing the metric
/// or the rule redraws the settings (units follow the metric).
fn basics(state: &AppState, viewer: &Viewer, draft: &AlertDraft, errors: &FieldErrors) -> Markup {
    let metrics: Vec<MetricInfo> = state.metrics_for(&viewer.user);
    let rules: Vec<PluginInfo> = state
        .plugins
        .list()
        .into_iter()
        .filter(|p| p.kind == PluginKind::AlertRule)
        .collect();
    html! {
        div.field {
            label for="a-name" { "Name *" }
            input #a-name type="text" name="name" value=(draft.name) required maxlength="120";
            (error_of(errors, "name"))
        }
        div.field {
            label for="a-metric" { "Metric *" }
            select #a-metric name="metric" required hx-get="/alerts/rule-fields" hx-include="#a-rule"
                hx-target="#rule-fields" hx-swap="outerHTML" {
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
            select #a-rule name="rule" hx-get="/alerts/rule-fields" hx-include="#a-metric"
                hx-target="#rule-fields" hx-swap="outerHTML" {
                @for r in &rules {
                    option value=(r.meta.id) selected[r.meta.id == draft.rule] { (r.meta.name) " (" (r.meta.id) ")" }
                }
                @if !rules.iter().any(|r| r.meta.id == draft.rule) && !draft.rule.is_empty() {
                    option value=(draft.rule) selected { (draft.rule) " (not installed)" }
                }
            }
            (error_of(errors, "rule"))
        }
        (rule_fieldset(state, &draft.rule, &draft.metric, &draft.rule_config, errors))
    }
}

fn recipients_field(draft: &AlertDraft, errors: &FieldErrors) -> Markup {
    html! {
        div.field {
            label for="a-recipients" { "Recipients *" }
            textarea #a-recipients name="recipients" rows="2" required { (draft.recipients.join("\n")) }
            div.muted { small { "Email addresses, one per line or separated by commas." } }
            (error_of(errors, "recipients"))
        }
    }
}

fn schedule_fieldset(state: &AppState, schedule: &ScheduleInput, errors: &FieldErrors) -> Markup {
    let tz = state.alerts.timezone();
    html! {
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
    }
}

/// Pending count, repeat interval, resolve notice, no-data and error
/// policies, and the dashboard linked in the email.
fn notifications_fieldset(
    draft: &AlertDraft,
    dashboards: &[Dashboard],
    errors: &FieldErrors,
) -> Markup {
    html! {
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
                        @for d in dashboards {
                            option value=(d.id.as_str()) selected[draft.dashboard.as_ref() == Some(&d.id)] { (d.content.title) }
                        }
                    }
                }
            }
        }
    }
}

/// Enabled, save, "Test now" and cancel.
fn toolbar(draft: &AlertDraft, target: Target<'_>) -> Markup {
    html! {
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

/// The serde name of a policy value (`no_data`, `keep`, ...).
fn policy_name<T: serde::Serialize>(policy: &T) -> String {
    serde_json::to_value(policy)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
