//! The alert create/edit form's handlers: the common fields (name, metric,
//! rule, range, recipients, schedule, pending count, repeat interval,
//! resolve notification, no-data and error policies, enabled) plus the
//! rule's own settings, generated from its JSON Schema by
//! [`super::schema_form`]; the markup is in [`super::alerts_form_view`].
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
use maud::Markup;
use serde::Deserialize;
use serde_json::Value;

use super::alerts::alert_id;
use super::alerts_form_view::{Target, alert_form, form_page, rule_fieldset, schedule_inputs};
use super::alerts_input::{FieldErrors, ScheduleInput, draft_from_form, field};
use super::dashboards::hx_redirect;
use crate::alerts::{AlertDraft, AlertError, Schedule};
use crate::auth::can_create_dashboard;
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer};
use crate::plugins::PluginKind;

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
    let (draft, schedule, mut errors) =
        draft_from_form(&state.plugins, &state.data.metrics(), &form);
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
    let (draft, schedule, mut errors) =
        draft_from_form(&state.plugins, &state.data.metrics(), &form);
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

/// `?rule=ID&metric=NAME`: which rule's settings to show, in the units of
/// which metric.
#[derive(Debug, Deserialize)]
pub(super) struct RuleParams {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    metric: String,
}

/// `GET /alerts/rule-fields?rule=ID&metric=NAME`: the settings of another
/// rule, or of the rule for another metric.
pub(super) async fn rule_fields(
    State(state): State<AppState>,
    _viewer: Viewer,
    Query(params): Query<RuleParams>,
) -> Markup {
    rule_fieldset(
        &state,
        &params.rule,
        &params.metric,
        &Value::Null,
        &FieldErrors::new(),
    )
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
