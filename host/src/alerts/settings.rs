//! `[alerts]` and `[smtp]` in `wasmdash.toml`.
//!
//! ```toml
//! [alerts]
//! tick_seconds = 5              # how often due alerts are looked for
//! history_retention_days = 90   # evaluations, state changes, deliveries
//! public_url = "https://dash.example.com"  # for links in emails
//!
//! [smtp]
//! host = "smtp.example.com"
//! port = 587                    # default: 25 / 587 / 465 by `tls`
//! tls = "starttls"              # "none", "starttls" or "tls"
//! username = "wasmdash"
//! password = "..."              # better: WASMDASH_SMTP__PASSWORD
//! from = "wasmdash <alerts@example.com>"
//! ```

use serde::Deserialize;

/// `[alerts]`: the scheduler, evaluation limits and history retention.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertSettings {
    /// How often the scheduler looks for due alerts, seconds (1..=3600).
    pub tick_seconds: u64,
    /// How long history is kept, days (1..=3650).
    pub history_retention_days: u32,
    /// Evaluations kept per alert at most (state changes and deliveries
    /// are kept for the whole retention).
    pub max_evaluations_per_alert: u32,
    /// Limit of one metric query or rule call, milliseconds; a slow one
    /// never delays the others beyond it.
    pub evaluation_timeout_ms: u64,
    /// Metric queries run at once within a tick.
    pub max_concurrent_queries: usize,
    /// Base URL of this wasmdash as the recipients reach it, for links in
    /// emails, e.g. `https://dash.example.com`.
    pub public_url: Option<String>,
    /// First retry delay after a failed delivery, seconds; doubles per
    /// attempt.
    pub retry_initial_seconds: u64,
    /// Longest retry delay, seconds.
    pub retry_max_seconds: u64,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            tick_seconds: 5,
            history_retention_days: 90,
            max_evaluations_per_alert: 1000,
            evaluation_timeout_ms: 10_000,
            max_concurrent_queries: 8,
            public_url: None,
            retry_initial_seconds: 5,
            retry_max_seconds: 600,
        }
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain text (only for a relay on localhost or a trusted network).
    None,
    /// Plain connection upgraded with STARTTLS (required, not optional).
    #[default]
    Starttls,
    /// TLS from the first byte ("SMTPS", usually port 465).
    Tls,
}

impl TlsMode {
    /// The usual port of the mode.
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::Starttls => 587,
            Self::Tls => 465,
        }
    }
}

/// `[smtp]`: where notifications are sent from. Without `host`, email is
/// off: notifications wait in the outbox until a host is configured.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    /// The SMTP server.
    pub host: Option<String>,
    /// Its port; defaults to the usual port of `tls`.
    pub port: Option<u16>,
    /// How the connection is secured.
    pub tls: TlsMode,
    /// Login name, if the server wants one.
    pub username: Option<String>,
    /// Password; prefer the `WASMDASH_SMTP__PASSWORD` variable.
    pub password: Option<String>,
    /// The sender, `alerts@example.com` or `Name <alerts@example.com>`.
    pub from: Option<String>,
    /// Limit of one SMTP conversation, milliseconds (default 10,000).
    pub timeout_ms: Option<u64>,
}

impl SmtpSettings {
    /// The port used.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(self.tls.default_port())
    }

    /// The sender used: `from`, or `wasmdash@<host>`.
    pub fn from_address(&self) -> String {
        self.from
            .clone()
            .unwrap_or_else(|| format!("wasmdash@{}", self.host.as_deref().unwrap_or("localhost")))
    }
}

/// Check `[alerts]` and `[smtp]`; the error names the key.
pub(crate) fn check(alerts: &AlertSettings, smtp: &SmtpSettings) -> Result<(), (String, String)> {
    let bad = |k: &str, m: &str| Err((k.to_string(), m.to_string()));
    if !(1..=3600).contains(&alerts.tick_seconds) {
        return bad("alerts.tick_seconds", "must be 1..=3600");
    }
    if !(1..=3650).contains(&alerts.history_retention_days) {
        return bad("alerts.history_retention_days", "must be 1..=3650");
    }
    if alerts.max_evaluations_per_alert == 0 {
        return bad("alerts.max_evaluations_per_alert", "must be > 0");
    }
    if !(1..=600_000).contains(&alerts.evaluation_timeout_ms) {
        return bad("alerts.evaluation_timeout_ms", "must be 1..=600000");
    }
    if !(1..=256).contains(&alerts.max_concurrent_queries) {
        return bad("alerts.max_concurrent_queries", "must be 1..=256");
    }
    if let Some(url) = &alerts.public_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return bad("alerts.public_url", "must start with http:// or https://");
    }
    if alerts.retry_initial_seconds == 0 || alerts.retry_max_seconds < alerts.retry_initial_seconds
    {
        return bad(
            "alerts.retry_initial_seconds",
            "must be > 0 and at most retry_max_seconds",
        );
    }
    if smtp.host.as_deref().is_some_and(|h| h.trim().is_empty()) {
        return bad("smtp.host", "must not be empty");
    }
    if smtp.port == Some(0) {
        return bad("smtp.port", "must be 1..=65535");
    }
    if smtp.timeout_ms == Some(0) {
        return bad("smtp.timeout_ms", "must be > 0");
    }
    if smtp.password.is_some() && smtp.username.is_none() {
        return bad("smtp.password", "is set but smtp.username is not");
    }
    if let Some(from) = &smtp.from
        && from.parse::<lettre::message::Mailbox>().is_err()
    {
        return bad(
            "smtp.from",
            "is not an email address (e.g. `alerts@example.com` or `Name <alerts@example.com>`)",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, ConfigError};

    fn parse(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        Config::parse(text, Path::new("/etc/wasmdash/wasmdash.toml"), env)
    }

    #[test]
    fn defaults_and_overrides() {
        let c = parse("", &[]).unwrap();
        assert_eq!(c.alerts.history_retention_days, 90);
        assert_eq!(c.alerts.tick_seconds, 5);
        assert!(c.smtp.host.is_none());
        let c = parse(
            "[smtp]\nhost = \"mail.example.com\"\ntls = \"tls\"\nusername = \"u\"\n",
            &[
                ("WASMDASH_SMTP__PASSWORD", "s3cret"),
                ("WASMDASH_ALERTS__TICK_SECONDS", "30"),
            ],
        )
        .unwrap();
        assert_eq!(c.smtp.port(), 465);
        assert_eq!(c.smtp.password.as_deref(), Some("s3cret"));
        assert_eq!(c.smtp.from_address(), "wasmdash@mail.example.com");
        assert_eq!(c.alerts.tick_seconds, 30);
    }

    #[test]
    fn bad_values_name_the_key_and_line() {
        let err = parse("[server]\n\n[smtp]\nfrom = \"not an address\"\n", &[]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("smtp.from") && text.contains(":3:"), "{text}");
        let err = parse("[alerts]\nhistory_retention_days = 0\n", &[]).unwrap_err();
        assert!(
            err.to_string().contains("alerts.history_retention_days"),
            "{err}"
        );
        let err = parse("[smtp]\ntls = \"ssl\"\n", &[]).unwrap_err();
        assert!(err.to_string().contains("ssl"), "{err}");
        let err = parse("[alerts]\npublic_url = \"dash.example.com\"\n", &[]).unwrap_err();
        assert!(err.to_string().contains("public_url"), "{err}");
        let err = parse("[smtp]\nbogus = 1\n", &[]).unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
    }
}
