//! "Test now" (evaluate at once, save nothing, optionally send a test
//! email) and the history page of one alert: evaluations, state changes
//! and deliveries, newest first.

use axum::{
    Form,
    extract::{Path, Query, State, rejection::FormRejection},
    response::{IntoResponse, Response},
};
use maud::{Markup, html};
use serde::Deserialize;

use super::alerts::{alert_id, local_time, state_badge, value_text};
use super::alerts_input::{checked, draft_from_form};
use super::dashboards::page_context;
use super::layout::{Section, page};
use crate::alerts::{
    AlertError, DeliveryOutcome, HistoryEntry, HistoryEvent, TestOutcome, TestTarget,
};
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer};

/// History entries shown when the page does not ask for another number.
pub(super) const DEFAULT_HISTORY_ROWS: usize = 200;

fn outcome_fragment(outcome: &TestOutcome) -> Markup {
    html! {
        div.panel.test-outcome role="status" {
            strong { "Test result: " } (state_badge(outcome.state))
            dl {
                dt { "Value" } dd.test-value { (value_text(outcome.value)) }
                dt { "Previous period" } dd { (value_text(outcome.previous)) }
                dt { "Compared" } dd { (value_text(outcome.observed)) }
                dt { "Message" } dd { (outcome.message) }
            }
            @if outcome.email_sent { p { "A test email was sent to the recipients." } }
            @if let Some(e) = &outcome.email_error { p.field-error role="alert" { "The test email was not sent: " (e) } }
            p.muted { small { "Nothing was saved; the alert's state is unchanged." } }
        }
    }
}

/// A test that could not run (invalid draft, unknown alert) as a small
/// error fragment with a 4xx status, shown where the result would be.
fn test_refused(err: AlertError) -> Result<Response, HttpError> {
    let app: HttpError = err.into();
    let status = app.status();
    if status.is_server_error() {
        return Err(app);
    }
    Ok((
        status,
        html! { div.flash.error role="alert" { "Cannot test: " (app.to_string()) } },
    )
        .into_response())
}

/// `POST /alerts/test`: evaluate the form as it is, without saving it.
pub(super) async fn test_draft(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let (draft, _, errors) = draft_from_form(&state.plugins, &state.data.metrics(), &form);
    if let Some((field, message)) = errors.into_iter().next() {
        return test_refused(AlertError::Invalid { field, message });
    }
    let send = checked(&form, "send_test_email");
    match state
        .alerts
        .test_now(TestTarget::Draft(Box::new(draft)), &viewer.user, send)
        .await
    {
        Ok(outcome) => Ok(outcome_fragment(&outcome).into_response()),
        Err(err) => test_refused(err),
    }
}

/// `POST /alerts/{id}/test` (optionally `send_test_email=true`).
pub(super) async fn test_saved(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, HttpError> {
    // The list's button sends no fields; any body that is not a form counts
    // as "no test email".
    let send = form.is_ok_and(|Form(form)| checked(&form, "send_test_email"));
    let outcome = state
        .alerts
        .test_now(TestTarget::Alert(alert_id(&id)), &viewer.user, send)
        .await?;
    Ok(outcome_fragment(&outcome).into_response())
}

/// `?limit=N` on the history page.
#[derive(Debug, Deserialize)]
pub(super) struct HistoryParams {
    #[serde(default)]
    limit: Option<usize>,
}

/// `GET /alerts/{id}/history`.
pub(super) async fn history_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(params): Query<HistoryParams>,
) -> Result<Markup, HttpError> {
    let id = alert_id(&id);
    let view = state.alerts.get(&id, &viewer.user)?;
    let limit = params.limit.unwrap_or(DEFAULT_HISTORY_ROWS);
    let entries = state.alerts.history(&id, &viewer.user, limit)?;
    let tz = state.alerts.timezone();
    let retention = state.alerts.settings().history_retention_days;
    let ctx = page_context(&viewer, Section::Alerts);
    let a = &view.alert;
    Ok(page(
        &format!("History of {}", a.draft.name),
        &ctx,
        html! {
            div.page-head {
                h1 { "History of " (a.draft.name) }
                span.spacer {}
                a.btn href={ "/alerts/" (id.as_str()) "/edit" } { "Edit" }
                a.btn href="/alerts" { "All alerts" }
            }
            p { "Now " (state_badge(view.status.state)) " · " (a.draft.metric) " over " (a.draft.range)
                " · " (a.draft.schedule.to_string())
                @if let Some(t) = view.status.next_run { " · next run " (local_time(t, tz)) } }
            @if entries.is_empty() {
                div.panel.empty-state { p { "Nothing yet: the alert has not been evaluated." } }
            } @else {
                table.list.panel #history {
                    thead { tr { th scope="col" { "When" } th scope="col" { "What" } th scope="col" { "Details" } } }
                    tbody { @for e in &entries { (entry_row(e, tz)) } }
                }
            }
            p.muted { small { "History is kept for " (retention) " days." } }
        },
    ))
}

fn entry_row(entry: &HistoryEntry, tz: chrono_tz::Tz) -> Markup {
    html! {
        tr data-event=(event_kind(&entry.event)) {
            td { (local_time(entry.at, tz)) }
            @match &entry.event {
                HistoryEvent::Evaluation { state, value, message } => {
                    td { "Evaluation " (state_badge(*state)) }
                    td { "value " (value_text(*value)) @if !message.is_empty() { " · " (message) } }
                }
                HistoryEvent::StateChange { from, to, message } => {
                    td { "State " (state_badge(*from)) " → " (state_badge(*to)) }
                    td { (message) }
                }
                HistoryEvent::Delivery { kind, outcome, attempt, detail, .. } => {
                    td { "Email (" (kind.as_str()) ") " (delivery_word(*outcome)) }
                    td {
                        @if *attempt > 0 { "attempt " (attempt) @if !detail.is_empty() { " · " } }
                        (detail)
                    }
                }
            }
        }
    }
}

fn event_kind(event: &HistoryEvent) -> &'static str {
    match event {
        HistoryEvent::Evaluation { .. } => "evaluation",
        HistoryEvent::StateChange { .. } => "state_change",
        HistoryEvent::Delivery { .. } => "delivery",
    }
}

fn delivery_word(outcome: DeliveryOutcome) -> &'static str {
    match outcome {
        DeliveryOutcome::Queued => "queued",
        DeliveryOutcome::Sent => "sent",
        DeliveryOutcome::Retrying => "failed, will retry",
        DeliveryOutcome::Failed => "refused for good",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::AlertState;
    use axum::http::StatusCode;

    #[test]
    fn the_outcome_shows_value_state_and_message() {
        let html = outcome_fragment(&TestOutcome {
            value: Some(2000.0),
            previous: None,
            observed: Some(2000.0),
            state: AlertState::Firing,
            message: "total_orders is <2000> > 5".into(),
            email_sent: false,
            email_error: Some("connection refused".into()),
        })
        .into_string();
        assert!(html.contains("2000") && html.contains("FIRING"));
        assert!(html.contains("&lt;2000&gt;"), "escaped: {html}");
        assert!(html.contains("connection refused"));
    }

    #[test]
    fn a_queued_notification_shows_as_queued_without_an_attempt() {
        use crate::alerts::NotificationKind;
        let entry = HistoryEntry {
            at: chrono::Utc::now(),
            event: HistoryEvent::Delivery {
                notification: "a/1/firing".into(),
                kind: NotificationKind::Firing,
                outcome: DeliveryOutcome::Queued,
                attempt: 0,
                detail: "waiting in the outbox: no SMTP server is configured".into(),
            },
        };
        let html = entry_row(&entry, chrono_tz::UTC).into_string();
        assert!(html.contains("Email (firing) queued"), "{html}");
        assert!(html.contains("no SMTP server is configured"), "{html}");
        assert!(!html.contains("attempt 0"), "{html}");
    }

    #[test]
    fn refusals_are_fragments_with_4xx() {
        let r = test_refused(AlertError::invalid("metric", "unknown metric `x`")).unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(test_refused(AlertError::Delivery("x".into())).is_err());
    }
}
