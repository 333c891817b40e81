//! Checks of a submitted [`AlertDraft`] before anything is saved: every
//! field, against the real metric catalog, plugin registry and store.

use std::collections::HashSet;
use std::str::FromStr;

use chrono_tz::Tz;

use super::error::{AlertError, Result};
use super::model::{
    AlertDraft, MAX_NAME_CHARS, MAX_PENDING_COUNT, MAX_RECIPIENTS, MAX_REPEAT_MINUTES,
};
use crate::auth::{Action, DataAccess, can};
use crate::data::{DataEngine, RangeSpec};
use crate::plugins::{PluginKind, PluginRegistry};
use crate::store::{Store, User};

/// Largest rule config, bytes of JSON.
pub const MAX_RULE_CONFIG_BYTES: usize = 16 * 1024;

fn invalid(field: &str, message: impl Into<String>) -> AlertError {
    AlertError::invalid(field, message)
}

fn cut(s: &str) -> String {
    s.chars().take(64).collect()
}

/// Parse one recipient; the error says which and why.
pub fn parse_recipient(raw: &str) -> Result<lettre::Address> {
    lettre::Address::from_str(raw.trim()).map_err(|e| {
        invalid(
            "recipients",
            format!("`{}` is not a valid email address ({e})", cut(raw.trim())),
        )
    })
}

/// What validation needs to look things up.
pub(crate) struct Checker<'a> {
    pub(crate) data: &'a DataEngine,
    pub(crate) plugins: &'a PluginRegistry,
    pub(crate) users: &'a dyn Store,
    pub(crate) tz: Tz,
    /// Which metrics the owner may read.
    pub(crate) access: &'a DataAccess,
}

impl Checker<'_> {
    /// Check `draft` for `owner` and return it normalized (trimmed, unique
    /// recipients). Fails on the first invalid field.
    pub(crate) fn check(&self, owner: &User, mut draft: AlertDraft) -> Result<AlertDraft> {
        draft.name = draft.name.trim().to_owned();
        let chars = draft.name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS {
            return Err(invalid(
                "name",
                format!("must be 1..={MAX_NAME_CHARS} characters"),
            ));
        }
        if draft.name.chars().any(char::is_control) {
            return Err(invalid("name", "must not contain control characters"));
        }

        draft.metric = draft.metric.trim().to_owned();
        if !self.data.metrics().iter().any(|m| m.name == draft.metric) {
            return Err(invalid(
                "metric",
                format!("unknown metric `{}`", cut(&draft.metric)),
            ));
        }
        // An alert reads its metric in its owner's name.
        self.access
            .check_metric(owner, &draft.metric)
            .map_err(|e| AlertError::Forbidden(e.to_string()))?;

        draft.range = draft.range.trim().to_owned();
        RangeSpec::from_str(&draft.range).map_err(|e| invalid("range", e.to_string()))?;

        self.check_rule(&mut draft)?;

        if draft.recipients.is_empty() {
            return Err(invalid("recipients", "add at least one email address"));
        }
        if draft.recipients.len() > MAX_RECIPIENTS {
            return Err(invalid(
                "recipients",
                format!("at most {MAX_RECIPIENTS} addresses"),
            ));
        }
        let mut seen = HashSet::new();
        let mut recipients = Vec::new();
        for raw in &draft.recipients {
            let address = parse_recipient(raw)?;
            if seen.insert(address.to_string().to_lowercase()) {
                recipients.push(address.to_string());
            }
        }
        draft.recipients = recipients;

        draft
            .schedule
            .validate(self.tz)
            .map_err(|m| invalid("schedule", m))?;

        if !(1..=MAX_PENDING_COUNT).contains(&draft.pending_count) {
            return Err(invalid(
                "pending_count",
                format!("must be 1..={MAX_PENDING_COUNT}"),
            ));
        }
        if draft.repeat_interval_minutes > MAX_REPEAT_MINUTES {
            return Err(invalid(
                "repeat_interval_minutes",
                format!("must be 0 (never) ..={MAX_REPEAT_MINUTES}"),
            ));
        }

        if let Some(id) = &draft.dashboard {
            let visible = self
                .users
                .dashboard(id)?
                .is_some_and(|d| can(owner, Action::View, &d));
            if !visible {
                return Err(invalid("dashboard", "no such dashboard"));
            }
        }
        Ok(draft)
    }

    fn check_rule(&self, draft: &mut AlertDraft) -> Result<()> {
        draft.rule = draft.rule.trim().to_owned();
        let rule = match self.plugins.alert_rule(&draft.rule) {
            Ok(rule) => rule,
            Err(_) => {
                let other = self
                    .plugins
                    .list()
                    .into_iter()
                    .find(|p| p.meta.id == draft.rule && p.kind != PluginKind::AlertRule);
                let message = match other {
                    Some(p) => format!(
                        "`{}` is a {} plugin, not an alert rule",
                        p.meta.id,
                        p.kind.kind().label()
                    ),
                    None => format!("no alert-rule plugin `{}` is installed", cut(&draft.rule)),
                };
                return Err(invalid("rule", message));
            }
        };
        if !draft.rule_config.is_object() {
            return Err(invalid("rule_config", "must be a JSON object"));
        }
        if draft.rule_config.to_string().len() > MAX_RULE_CONFIG_BYTES {
            return Err(invalid(
                "rule_config",
                format!("must be at most {MAX_RULE_CONFIG_BYTES} bytes of JSON"),
            ));
        }
        if crate::store::json_depth(&draft.rule_config) > crate::store::MAX_CONFIG_DEPTH {
            return Err(invalid(
                "rule_config",
                format!(
                    "must not nest deeper than {} levels",
                    crate::store::MAX_CONFIG_DEPTH
                ),
            ));
        }
        if let Some(m) = draft.rule_config.get("metric")
            && m.as_str() != Some(draft.metric.as_str())
        {
            return Err(invalid(
                "rule_config.metric",
                "must be the alert's metric (or left out)",
            ));
        }
        rule.info()
            .meta
            .config_schema
            .validate(&draft.rule_config)
            .map_err(|errors| {
                let (field, message) = errors.into_iter().next().unwrap_or_default();
                let field = if field.is_empty() {
                    "rule_config".to_owned()
                } else {
                    format!("rule_config.{field}")
                };
                AlertError::Invalid { field, message }
            })?;
        Ok(())
    }
}
