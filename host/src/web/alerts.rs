//! `/alerts`: the list of a user's alerts with their live state, and the
//! actions on one alert (pause, resume, delete).
//!
//! The create/edit form lives in [`super::alerts_form`], "Test now" and
//! the history page in [`super::alerts_history`]. Every page goes through
//! [`AlertService`](crate::alerts::AlertService), which decides who sees
//! what: the owner and admins; anyone else gets a 404.

use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use super::alerts_form;
use super::alerts_history;
use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use crate::alerts::{AlertId, AlertState, AlertView};
use crate::auth::can_create_dashboard;
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer};

/// Routes of the alert pages.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list).post(alerts_form::create))
        .route("/alerts/new", get(alerts_form::new_page))
        .route("/alerts/rule-fields", get(alerts_form::rule_fields))
        .route("/alerts/schedule-fields", get(alerts_form::schedule_fields))
        .route("/alerts/test", post(alerts_history::test_draft))
        .route("/alerts/{id}", post(alerts_form::update))
        .route("/alerts/{id}/edit", get(alerts_form::edit_page))
        .route("/alerts/{id}/pause", post(pause))
        .route("/alerts/{id}/resume", post(resume))
        .route("/alerts/{id}/delete", post(delete))
        .route("/alerts/{id}/test", post(alerts_history::test_saved))
        .route("/alerts/{id}/history", get(alerts_history::history_page))
}

/// An alert id from the URL. Unknown or malformed ids simply find nothing.
pub(super) fn alert_id(raw: &str) -> AlertId {
    AlertId::from_string(raw)
}

/// `t` in the configured timezone, to the minute.
pub(super) fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}

/// A value as the rule saw it (up to four decimals), or a dash.
pub(super) fn value_text(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => {
            let s = format!("{v:.4}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
    }
}

/// The coloured badge of a state.
pub(super) fn state_badge(state: AlertState) -> Markup {
    let class = match state {
        AlertState::Ok => "state-ok",
        AlertState::Pending => "state-pending",
        AlertState::Firing => "state-firing",
        AlertState::NoData => "state-nodata",
        AlertState::Error => "state-error",
    };
    html! { strong class={ "alert-state " (class) } { (state.as_str()) } }
}

async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, HttpError> {
    let alerts = state.alerts.list(&viewer.user)?;
    let tz = state.alerts.timezone();
    let may_create = can_create_dashboard(&viewer.user);
    let ctx = page_context(&viewer, Section::Alerts);
    Ok(page(
        "Alerts",
        &ctx,
        html! {
            div.page-head {
                h1 { "Alerts" }
                span.spacer {}
                @if may_create { a.btn.btn-primary href="/alerts/new" { "New alert" } }
            }
            @if !state.alerts.email_enabled() {
                div.flash role="status" {
                    "No SMTP server is configured ([smtp] in wasmdash.toml): alerts are evaluated, but no email is sent."
                }
            }
            @if alerts.is_empty() {
                div.panel.empty-state {
                    p { "No alerts yet." }
                    @if may_create { p { "Create one to get an email when a metric crosses a line." } }
                    @else { p { "Viewers cannot create alerts; ask an editor." } }
                }
            } @else {
                table.list.panel #alerts {
                    thead { tr {
                        th scope="col" { "Name" } th scope="col" { "State" }
                        th scope="col" { "Last evaluation" } th scope="col" { "Next run" }
                        th scope="col" { span.sr-only { "Actions" } }
                    } }
                    tbody {
                        @for view in &alerts { (row(view, tz)) }
                    }
                }
            }
            div #test-result {}
        },
    ))
}

fn row(view: &AlertView, tz: Tz) -> Markup {
    let a = &view.alert;
    let s = &view.status;
    let id = a.id.as_str();
    html! {
        tr data-alert=(id) {
            td {
                a href={ "/alerts/" (id) "/edit" } { (a.draft.name) }
                br;
                small.muted { (a.draft.metric) " · " (a.draft.rule) " · " (a.draft.schedule.to_string()) }
            }
            td {
                (state_badge(s.state))
                @if !a.draft.enabled { " " span.muted { "(paused)" } }
            }
            td {
                @match s.last_evaluated {
                    Some(t) => {
                        (local_time(t, tz)) br;
                        small.muted { "value " (value_text(s.last_value)) }
                        @if !s.last_message.is_empty() { br; small.muted { (s.last_message) } }
                    }
                    None => { span.muted { "never" } }
                }
            }
            td {
                @match s.next_run {
                    Some(t) => { (local_time(t, tz)) }
                    None => { span.muted { "paused" } }
                }
            }
            td.actions {
                div.toolbar {
                    button hx-post={ "/alerts/" (id) "/test" } hx-target="#test-result" { "Test now" }
                    a.btn href={ "/alerts/" (id) "/history" } { "History" }
                    @if a.draft.enabled {
                        button hx-post={ "/alerts/" (id) "/pause" } { "Pause" }
                    } @else {
                        button hx-post={ "/alerts/" (id) "/resume" } { "Resume" }
                    }
                    button.btn-danger hx-post={ "/alerts/" (id) "/delete" }
                        hx-confirm={ "Delete the alert “" (a.draft.name) "” and its history? This cannot be undone." } { "Delete" }
                }
            }
        }
    }
}

/// Set `enabled` on the current version of the alert.
async fn set_enabled(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    enabled: bool,
) -> Result<Response, HttpError> {
    let id = alert_id(id);
    let view = state.alerts.get(&id, &viewer.user)?;
    let mut draft = view.alert.draft.clone();
    draft.enabled = enabled;
    state
        .alerts
        .update(&id, &viewer.user, draft, view.alert.version)
        .await?;
    hx_redirect("/alerts")
}

async fn pause(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    set_enabled(&state, &viewer, &id, false).await
}

async fn resume(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    set_enabled(&state, &viewer, &id, true).await
}

async fn delete(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    state.alerts.delete(&alert_id(&id), &viewer.user).await?;
    hx_redirect("/alerts")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_short() {
        assert_eq!(value_text(None), "—");
        assert_eq!(value_text(Some(2000.0)), "2000");
        assert_eq!(value_text(Some(0.125_01)), "0.125");
    }

    #[test]
    fn badges_name_the_state() {
        let html = state_badge(AlertState::NoData).into_string();
        assert!(html.contains("NO_DATA") && html.contains("state-nodata"));
    }
}
