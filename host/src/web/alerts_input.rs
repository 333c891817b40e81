//! Reading the alert form: submitted fields → [`AlertDraft`], with every
//! mistake keyed by the field it belongs to, so the form can show it next
//! to that field. The deeper checks (metric exists, addresses are valid,
//! the schedule fires, the rule config fits the plugin's schema) are the
//! [`AlertService`](crate::alerts::AlertService)'s; this module only turns
//! text into typed values.

use std::collections::BTreeMap;

use chrono::Weekday;
use serde_json::Value;

use super::schema_form::config_from_form;
use crate::alerts::{
    AlertDraft, DEFAULT_PENDING_COUNT, DEFAULT_REPEAT_MINUTES, ErrorPolicy, NoDataPolicy, Schedule,
    TimeOfDay, units,
};
use crate::data::MetricInfo;
use crate::frame::ValueFormat;
use crate::plugins::PluginRegistry;
use crate::store::DashboardId;

/// Mistakes by form field (`""` for the whole form, `rule_config.<key>`
/// for a field of the rule's settings).
pub(super) type FieldErrors = BTreeMap<String, String>;

/// The first value submitted under `name`, trimmed.
pub(super) fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim())
}

/// A checkbox: checked when submitted with any value but `false`.
pub(super) fn checked(form: &[(String, String)], name: &str) -> bool {
    field(form, name).is_some_and(|v| v != "false")
}

/// The config schema of an alert-rule plugin as the form shows it for a
/// metric with `format`: without its `metric` property (the alert's own
/// metric picker sets it) and its internal ones, metric values titled with
/// their unit (see [`crate::alerts::units`]).
pub(super) fn rule_schema(
    plugins: &PluginRegistry,
    rule: &str,
    format: &ValueFormat,
) -> Option<Value> {
    let plugin = plugins.alert_rule(rule).ok()?;
    let mut schema = plugin.info().meta.config_schema.json().clone();
    if schema.is_null() {
        return None;
    }
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        props.remove("metric");
    }
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| r != "metric");
    }
    Some(units::form_schema(&schema, format))
}

/// The display format of `metric` (plain when unknown).
pub(super) fn metric_format(metrics: &[MetricInfo], metric: &str) -> ValueFormat {
    metrics
        .iter()
        .find(|m| m.name == metric)
        .map(|m| m.format.clone())
        .unwrap_or_default()
}

/// The schedule as typed: one text per input, so a mistake is shown with
/// what the user typed rather than lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScheduleInput {
    /// `every`, `hourly`, `daily`, `weekly` or `cron`.
    pub(super) kind: String,
    /// Minutes between runs (`every`).
    pub(super) every: String,
    /// Minute of the hour (`hourly`).
    pub(super) minute: String,
    /// Local time `HH:MM` (`daily`, `weekly`).
    pub(super) at: String,
    /// `mon`..`sun` (`weekly`).
    pub(super) day: String,
    /// Five cron fields (`cron`).
    pub(super) expr: String,
}

/// The kinds of schedule, as offered in the form.
pub(super) const SCHEDULE_KINDS: [(&str, &str); 5] = [
    ("every", "Every N minutes"),
    ("hourly", "Hourly"),
    ("daily", "Daily"),
    ("weekly", "Weekly"),
    ("cron", "Cron expression"),
];

impl Default for ScheduleInput {
    fn default() -> Self {
        Self {
            kind: "every".into(),
            every: "5".into(),
            minute: "0".into(),
            at: "09:00".into(),
            day: "mon".into(),
            expr: "0 9 * * 1-5".into(),
        }
    }
}

impl ScheduleInput {
    /// The inputs showing `schedule`.
    pub(super) fn of(schedule: &Schedule) -> Self {
        let mut input = Self::default();
        match schedule {
            Schedule::Every { minutes } => {
                input.kind = "every".into();
                input.every = minutes.to_string();
            }
            Schedule::Hourly { minute } => {
                input.kind = "hourly".into();
                input.minute = minute.to_string();
            }
            Schedule::Daily { at } => {
                input.kind = "daily".into();
                input.at = at.to_string();
            }
            Schedule::Weekly { day, at } => {
                input.kind = "weekly".into();
                input.day = day.to_string().to_lowercase();
                input.at = at.to_string();
            }
            Schedule::Cron { expr } => {
                input.kind = "cron".into();
                input.expr = expr.clone();
            }
        }
        input
    }

    /// The defaults for `kind` (the form switching kinds).
    pub(super) fn for_kind(kind: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            ..Self::default()
        }
    }

    /// The inputs as submitted.
    pub(super) fn from_form(form: &[(String, String)]) -> Self {
        let get = |name: &str| field(form, name).unwrap_or_default().to_owned();
        Self {
            kind: get("schedule_kind"),
            every: get("every_minutes"),
            minute: get("hourly_minute"),
            at: get("schedule_at"),
            day: get("weekly_day"),
            expr: get("cron_expr"),
        }
    }

    /// The schedule these inputs describe, or what is wrong with them.
    pub(super) fn parse(&self) -> Result<Schedule, String> {
        let time = |s: &str| s.parse::<TimeOfDay>();
        match self.kind.as_str() {
            "every" => self
                .every
                .parse()
                .map(|minutes| Schedule::Every { minutes })
                .map_err(|_| "the interval must be a whole number of minutes".into()),
            "hourly" => self
                .minute
                .parse()
                .map(|minute| Schedule::Hourly { minute })
                .map_err(|_| "the minute must be a whole number 0..=59".into()),
            "daily" => Ok(Schedule::Daily {
                at: time(&self.at)?,
            }),
            "weekly" => Ok(Schedule::Weekly {
                day: self
                    .day
                    .parse::<Weekday>()
                    .map_err(|_| format!("`{}` is not a weekday; use mon..sun", self.day))?,
                at: time(&self.at)?,
            }),
            "cron" if self.expr.is_empty() => Err("enter a cron expression".into()),
            "cron" => Ok(Schedule::Cron {
                expr: self.expr.clone(),
            }),
            _ => Err("choose how often the alert runs".into()),
        }
    }
}

/// A policy select's value through the type's own serde names, so the
/// form accepts exactly what the JSON API accepts.
fn policy<T: serde::de::DeserializeOwned + Default>(
    form: &[(String, String)],
    name: &str,
    errors: &mut FieldErrors,
) -> T {
    match field(form, name).filter(|v| !v.is_empty()) {
        None => T::default(),
        Some(v) => serde_json::from_value(Value::String(v.to_owned())).unwrap_or_else(|_| {
            errors.insert(name.into(), format!("`{v}` is not one of the choices"));
            T::default()
        }),
    }
}

fn number(
    form: &[(String, String)],
    name: &str,
    default: u32,
    what: &str,
    errors: &mut FieldErrors,
) -> u32 {
    match field(form, name).filter(|v| !v.is_empty()) {
        None => default,
        Some(v) => v.parse().unwrap_or_else(|_| {
            errors.insert(name.into(), format!("{what} must be a whole number"));
            default
        }),
    }
}

/// Recipients typed one per line or separated by commas or semicolons.
pub(super) fn split_recipients(text: &str) -> Vec<String> {
    text.split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Read the whole form. Always returns a draft (to show again), plus the
/// mistakes found; the draft may be saved only when there are none.
/// Metric values of the rule's settings are typed in the metric's display
/// unit (3 for 3%) and stored as the metric reports them (0.03).
pub(super) fn draft_from_form(
    plugins: &PluginRegistry,
    metrics: &[MetricInfo],
    form: &[(String, String)],
) -> (AlertDraft, ScheduleInput, FieldErrors) {
    let mut errors = FieldErrors::new();
    let get = |name: &str| field(form, name).unwrap_or_default().to_owned();
    let rule = get("rule");
    let format = metric_format(metrics, &get("metric"));
    let rule_config = match rule_schema(plugins, &rule, &format) {
        Some(schema) => match config_from_form(&schema, form) {
            Ok(typed) => units::from_display(&typed, &schema, &format),
            Err(by_field) => {
                for (key, message) in by_field {
                    errors.insert(format!("rule_config.{key}"), message);
                }
                Value::Object(Default::default())
            }
        },
        // An unknown rule is reported by the service, on the `rule` field.
        None => Value::Object(Default::default()),
    };
    let schedule_input = ScheduleInput::from_form(form);
    let schedule = schedule_input.parse().unwrap_or_else(|message| {
        errors.insert("schedule".into(), message);
        Schedule::default()
    });
    let dashboard = field(form, "dashboard")
        .filter(|d| !d.is_empty())
        .map(DashboardId::from_string);
    let draft = AlertDraft {
        name: get("name"),
        metric: get("metric"),
        rule,
        rule_config,
        range: match get("range") {
            r if r.is_empty() => "1h".into(),
            r => r,
        },
        recipients: split_recipients(&get("recipients")),
        schedule,
        enabled: checked(form, "enabled"),
        pending_count: number(
            form,
            "pending_count",
            DEFAULT_PENDING_COUNT,
            "the pending count",
            &mut errors,
        ),
        repeat_interval_minutes: number(
            form,
            "repeat_interval_minutes",
            DEFAULT_REPEAT_MINUTES,
            "the repeat interval",
            &mut errors,
        ),
        notify_on_resolve: checked(form, "notify_on_resolve"),
        on_no_data: policy::<NoDataPolicy>(form, "on_no_data", &mut errors),
        on_error: policy::<ErrorPolicy>(form, "on_error", &mut errors),
        dashboard,
    };
    (draft, schedule_input, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn schedules_round_trip_through_the_inputs() {
        for text in [
            "every 15m",
            "hourly :05",
            "daily 09:30",
            "weekly fri 17:00",
            "cron 0 9 * * 1-5",
        ] {
            let schedule: Schedule = text.parse().unwrap();
            assert_eq!(
                ScheduleInput::of(&schedule).parse().unwrap(),
                schedule,
                "{text}"
            );
        }
    }

    #[test]
    fn schedule_mistakes_say_what_is_wrong() {
        let input = ScheduleInput::from_form(&form(&[
            ("schedule_kind", "weekly"),
            ("weekly_day", "someday"),
            ("schedule_at", "09:00"),
        ]));
        assert!(input.parse().unwrap_err().contains("someday"));
        let input = ScheduleInput::from_form(&form(&[
            ("schedule_kind", "daily"),
            ("schedule_at", "25:00"),
        ]));
        assert!(input.parse().unwrap_err().contains("25:00"));
        let input =
            ScheduleInput::from_form(&form(&[("schedule_kind", "every"), ("every_minutes", "x")]));
        assert!(input.parse().is_err());
        assert!(ScheduleInput::for_kind("sometimes").parse().is_err());
    }

    #[test]
    fn recipients_split_on_lines_and_commas() {
        assert_eq!(
            split_recipients(" a@x.org,\nb@y.org ; \n\n c@z.org "),
            vec!["a@x.org", "b@y.org", "c@z.org"]
        );
    }

    #[test]
    fn policies_use_the_api_names() {
        let mut errors = FieldErrors::new();
        let p: NoDataPolicy = policy(
            &form(&[("on_no_data", "alerting")]),
            "on_no_data",
            &mut errors,
        );
        assert_eq!(p, NoDataPolicy::Alerting);
        let _: ErrorPolicy = policy(&form(&[("on_error", "explode")]), "on_error", &mut errors);
        assert!(errors["on_error"].contains("explode"));
    }
}
