//! The text and HTML of an alert email: what fired, the value, the rule and
//! its threshold, when, and links back to the dashboard and the alert.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::html;

use super::model::Alert;
use crate::frame::{FormatKind, ValueFormat};

/// Why an email is sent, as its subject says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headline {
    /// Entered FIRING.
    Firing,
    /// Still FIRING after the repeat interval.
    StillFiring,
    /// OK again.
    Resolved,
    /// Sent by "Test now".
    Test,
}

impl Headline {
    fn subject_word(self) -> &'static str {
        match self {
            Self::Firing => "FIRING",
            Self::StillFiring => "still FIRING",
            Self::Resolved => "RESOLVED",
            Self::Test => "TEST",
        }
    }
}

/// Everything an email shows.
#[derive(Debug, Clone)]
pub struct EmailFacts<'a> {
    /// The alert.
    pub alert: &'a Alert,
    /// Why it is sent.
    pub headline: Headline,
    /// Metric label.
    pub metric_label: &'a str,
    /// How the metric's values are shown.
    pub format: &'a ValueFormat,
    /// The metric's value over the range.
    pub current: Option<f64>,
    /// The value over the previous period.
    pub previous: Option<f64>,
    /// The rule's sentence, e.g. "orders 12 > 10".
    pub rule_message: &'a str,
    /// The evaluated range, e.g. "Last 1 hour".
    pub range_label: &'a str,
    /// When it was evaluated.
    pub at: DateTime<Utc>,
    /// The configured timezone.
    pub tz: Tz,
    /// Base URL for links, without a trailing slash.
    pub public_url: Option<&'a str>,
}

/// A composed email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// A value as the metric's format shows it.
pub fn format_value(v: Option<f64>, f: &ValueFormat) -> String {
    let Some(v) = v else {
        return "no data".into();
    };
    let number = |x: f64, default_decimals: u8| {
        let d = usize::from(f.decimals.unwrap_or(default_decimals));
        let s = format!("{x:.d$}");
        // Money keeps its cents; other numbers drop trailing zeros.
        if f.decimals.is_none() && f.kind != FormatKind::Currency && s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    let unit = if f.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", f.unit)
    };
    match f.kind {
        FormatKind::Percent => format!("{} %", number(v * 100.0, 2)),
        FormatKind::Currency => format!("{}{unit}", number(v, 2)),
        FormatKind::Duration => format!("{} s", number(v, 1)),
        FormatKind::Number => format!("{}{unit}", number(v, 4)),
    }
}

/// Compose the email for `facts`.
pub fn compose(facts: &EmailFacts<'_>) -> Email {
    let a = facts.alert;
    let subject = format!(
        "[wasmdash] {}: {}",
        facts.headline.subject_word(),
        a.draft.name
    );
    let base = facts.public_url.map(|u| u.trim_end_matches('/'));
    let dashboard_link = match (base, &a.draft.dashboard) {
        (Some(b), Some(d)) => Some(format!("{b}/dashboards/{d}?range={}", a.draft.range)),
        _ => None,
    };
    let alert_link = base.map(|b| format!("{b}/alerts/{}", a.id));
    let local = facts.at.with_timezone(&facts.tz);
    let when = format!("{} ({})", local.format("%Y-%m-%d %H:%M:%S %Z"), facts.tz);
    let value = format_value(facts.current, facts.format);
    let previous = format_value(facts.previous, facts.format);
    let rule = format!("{} {}", a.draft.rule, a.draft.rule_config);
    let state_line = match facts.headline {
        Headline::Firing => "is FIRING",
        Headline::StillFiring => "is still FIRING",
        Headline::Resolved => "is RESOLVED (OK again)",
        Headline::Test => "was tested (this is a test email)",
    };
    let mut text = format!(
        "Alert \"{}\" {state_line}.\n\n\
         Metric:    {} ({})\n\
         Value:     {value}\n\
         Previous:  {previous} (the period before)\n\
         Range:     {}\n\
         Rule:      {rule}\n\
         Result:    {}\n\
         Time:      {when}\n",
        a.draft.name, facts.metric_label, a.draft.metric, facts.range_label, facts.rule_message,
    );
    if let Some(link) = &dashboard_link {
        text.push_str(&format!("Dashboard: {link}\n"));
    }
    if let Some(link) = &alert_link {
        text.push_str(&format!("Alert:     {link}\n"));
    }
    text.push_str("\n-- \nSent by wasmdash. Change or pause the alert on its page.\n");
    let html = html! {
        (maud::DOCTYPE)
        html {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family: sans-serif" {
                h2 { "Alert \u{201c}" (a.draft.name) "\u{201d} " (state_line) }
                table cellpadding="4" {
                    tr { th align="left" { "Metric" } td { (facts.metric_label) " (" code { (a.draft.metric) } ")" } }
                    tr { th align="left" { "Value" } td { strong { (value) } } }
                    tr { th align="left" { "Previous" } td { (previous) " (the period before)" } }
                    tr { th align="left" { "Range" } td { (facts.range_label) } }
                    tr { th align="left" { "Rule" } td { code { (rule) } } }
                    tr { th align="left" { "Result" } td { (facts.rule_message) } }
                    tr { th align="left" { "Time" } td { (when) } }
                }
                @if let Some(link) = &dashboard_link {
                    p { a href=(link) { "Open the dashboard" } }
                }
                @if let Some(link) = &alert_link {
                    p { a href=(link) { "Open the alert" } }
                }
                p style="color: #666" { "Sent by wasmdash. Change or pause the alert on its page." }
            }
        }
    }
    .into_string();
    Email {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_follow_the_metric_format() {
        let f = |kind, unit: &str, decimals| ValueFormat {
            kind,
            unit: unit.into(),
            decimals,
        };
        assert_eq!(
            format_value(Some(0.072), &f(FormatKind::Percent, "", None)),
            "7.2 %"
        );
        assert_eq!(
            format_value(Some(12.5), &f(FormatKind::Currency, "EUR", None)),
            "12.50 EUR"
        );
        assert_eq!(
            format_value(Some(3.0), &f(FormatKind::Number, "", None)),
            "3"
        );
        assert_eq!(
            format_value(Some(3.0), &f(FormatKind::Number, "", Some(1))),
            "3.0"
        );
        assert_eq!(
            format_value(None, &f(FormatKind::Number, "", None)),
            "no data"
        );
    }
}
