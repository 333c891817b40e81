//! The text the administrative commands print. Everything that came from
//! users or plugins goes through [`safe`].

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::AdminError;
use crate::alerts::{AlertView, CheckResult};
use crate::auth::NewApiToken;
use crate::cli::terminal::safe;
use crate::store::{ApiToken, Store, User};

/// `wasmdash rollups status` (and what `rebuild` rebuilt): a table, or a
/// JSON array. Times in UTC: the CLI may run without the server's config.
pub(super) fn rollups(
    status: &[crate::data::RollupStatus],
    json: bool,
) -> Result<String, AdminError> {
    if json {
        return serde_json::to_string_pretty(status)
            .map(|s| s + "\n")
            .map_err(|e| AdminError(e.to_string()));
    }
    let secs = |s: Option<i64>| {
        s.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
            .map_or_else(
                || "-".to_string(),
                |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
            )
    };
    let mut out = format!(
        "{:<24} {:<16} {:>6} {:<10} {:>9} {:<20} {:<20} {:>9}\n",
        "NAME", "DATASET", "GRAIN", "STATE", "BUCKETS", "WATERMARK", "REFRESHED", "LAST RUN"
    );
    for r in status {
        let state = match &r.state {
            crate::data::RollupState::Empty => "empty".to_string(),
            crate::data::RollupState::Building => "building".to_string(),
            crate::data::RollupState::Ready => "ready".to_string(),
            crate::data::RollupState::Failed(_) => "failed".to_string(),
        };
        let grain = match r.grain_secs {
            g if g % 3600 == 0 => format!("{}h", g / 3600),
            g => format!("{}m", g / 60),
        };
        let _ = writeln!(
            out,
            "{:<24} {:<16} {:>6} {:<10} {:>9} {:<20} {:<20} {:>9}",
            r.name,
            r.dataset,
            grain,
            state,
            r.buckets,
            secs(r.watermark),
            secs(r.refreshed_at),
            r.last_run_ms
                .map_or_else(|| "-".into(), |ms| format!("{ms} ms"))
        );
        if let crate::data::RollupState::Failed(why) = &r.state {
            let _ = writeln!(out, "  {}: {}", r.name, safe(why));
        }
    }
    Ok(out)
}

/// `wasmdash user list`.
pub(super) fn users(users: &[User]) -> String {
    if users.is_empty() {
        return "no users yet; add one with `wasmdash user add NAME --role admin`\n".into();
    }
    let mut out = String::new();
    for u in users {
        let status = if u.disabled { "disabled" } else { "active" };
        let _ = writeln!(
            out,
            "{:<24} {:<7} {:<9} created {}",
            u.username,
            u.role,
            status,
            u.created.format("%Y-%m-%d %H:%M UTC")
        );
    }
    out
}

/// `wasmdash token create`: what was created, then the secret alone on
/// the last line (for `| tail -n 1` in scripts). Times in UTC, as in
/// `user list`: the CLI may run without the server's config.
pub(super) fn new_token(created: &NewApiToken, owner: &User) -> String {
    let tz = Tz::UTC;
    let t = &created.token;
    format!(
        "created token {} ({}) for {} ({}, {}); it is shown only now:\n{}\n",
        t.id.as_str(),
        safe(&t.name),
        owner.username,
        scope(t),
        t.expires.map_or_else(
            || "never expires".into(),
            |e| format!("expires {}", when(e, tz))
        ),
        created.plaintext
    )
}

/// `read-only` or `read-write`.
pub(super) fn scope(t: &ApiToken) -> &'static str {
    if t.read_only {
        "read-only"
    } else {
        "read-write"
    }
}

/// `wasmdash token list`, times in UTC.
pub(super) fn tokens(tokens: &[ApiToken], users: &[User], now: DateTime<Utc>) -> String {
    let tz = Tz::UTC;
    if tokens.is_empty() {
        return "no API tokens; create one with `wasmdash token create --user NAME --name LABEL`\n"
            .into();
    }
    let mut out = format!(
        "{:<32}  {:<16}  {:<20}  {:<10}  {:<20}  {:<20}  LAST USED\n",
        "ID", "USER", "NAME", "SCOPE", "CREATED", "EXPIRES"
    );
    for t in tokens {
        let owner = users
            .iter()
            .find(|u| u.id == t.user)
            .map_or("(deleted user)", |u| u.username.as_str());
        let expires = match t.expires {
            None => "never".to_owned(),
            Some(e) if e <= now => format!("expired {}", when(e, tz)),
            Some(e) => when(e, tz),
        };
        let _ = writeln!(
            out,
            "{:<32}  {:<16}  {:<20}  {:<10}  {:<20}  {:<20}  {}",
            t.id.as_str(),
            owner,
            truncate(&safe(&t.name), 20),
            scope(t),
            when(t.created, tz),
            expires,
            t.last_used.map_or_else(|| "never".into(), |u| when(u, tz)),
        );
    }
    out
}

/// `wasmdash alerts list` (a table, or JSON).
pub(super) fn alerts(
    views: &[AlertView],
    store: &dyn Store,
    tz: Tz,
    json: bool,
) -> Result<String, AdminError> {
    if json {
        let out: Vec<serde_json::Value> = views.iter().map(AlertView::to_json).collect();
        let text = serde_json::to_string_pretty(&out).map_err(AdminError::of_json)?;
        return Ok(text + "\n");
    }
    if views.is_empty() {
        return Ok(
            "no alerts yet; create one on the Alerts page or with POST /api/v1/alerts\n".into(),
        );
    }
    let mut out = format!(
        "{:<32}  {:<24}  {:<8}  {:<12}  {:<22}  {:<22}  OWNER\n",
        "ID", "NAME", "STATE", "LAST VALUE", "LAST EVALUATED", "NEXT RUN"
    );
    for v in views {
        let owner = store
            .user(&v.alert.owner)?
            .map(|u| u.username)
            .unwrap_or_else(|| "(deleted user)".into());
        let s = &v.status;
        let _ = writeln!(
            out,
            "{:<32}  {:<24}  {:<8}  {:<12}  {:<22}  {:<22}  {owner}",
            v.alert.id.as_str(),
            truncate(&safe(&v.alert.draft.name), 24),
            s.state.as_str(),
            s.last_value.map_or_else(|| "-".into(), |x| x.to_string()),
            when_or(s.last_evaluated, tz, "never"),
            when_or(
                s.next_run,
                tz,
                if v.alert.draft.enabled { "-" } else { "paused" }
            ),
        );
    }
    Ok(out)
}

/// `wasmdash alerts check-now`: one line per alert checked.
pub(super) fn check_results(results: &[CheckResult]) -> String {
    if results.is_empty() {
        return "no enabled alerts to check\n".into();
    }
    let mut out = String::new();
    for r in results {
        let change = if r.previous_state == r.state {
            r.state.as_str().to_owned()
        } else {
            format!("{} -> {}", r.previous_state, r.state)
        };
        let value = r.value.map_or_else(|| "-".into(), |v| v.to_string());
        let notified = r
            .notification
            .map(|k| format!(" (notification: {})", k.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}  {}  {change}  value {value}  {}{notified}",
            r.id,
            safe(&r.name),
            safe(&r.message)
        );
    }
    out
}

impl AdminError {
    fn of_json(e: serde_json::Error) -> Self {
        Self(e.to_string())
    }
}

fn when(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}

fn when_or(t: Option<DateTime<Utc>>, tz: Tz, none: &str) -> String {
    t.map_or_else(|| none.to_owned(), |t| when(t, tz))
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
