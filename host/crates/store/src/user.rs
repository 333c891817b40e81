//! User accounts and API token records.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{Result, StoreError};
use super::ids::{TokenHash, TokenId, UserId};

/// Longest accepted username.
pub const MAX_USERNAME_LEN: usize = 64;

/// What a user may do in general; per-dashboard rights come from
/// `auth::permission`. Ordered: `Viewer < Editor < Admin`, so "at least
/// editor" is `role >= Role::Editor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees what is shared with viewers; creates nothing.
    Viewer,
    /// Creates and edits own dashboards.
    Editor,
    /// Everything, including managing users.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    /// The role's name as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not `admin`, `editor` or `viewer`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}; expected admin, editor or viewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Stable id.
    pub id: UserId,
    /// Login name as typed at creation; unique case-insensitively.
    pub username: String,
    /// Argon2id hash in PHC string format (`$argon2id$v=19$...`).
    pub password_hash: String,
    /// General role.
    pub role: Role,
    /// When the account was created.
    pub created: DateTime<Utc>,
    /// When the password was last set; sessions created before it are void.
    pub password_changed_at: DateTime<Utc>,
    /// A disabled user can neither sign in nor use sessions or tokens.
    pub disabled: bool,
}

/// Check a username: 1 to 64 characters of ASCII letters, digits, `.`,
/// `_`, `-` or `@`. ASCII keeps case-insensitive uniqueness unambiguous and
/// names safe to show anywhere.
pub fn validate_username(name: &str) -> Result<()> {
    let invalid = |why: &str| Err(StoreError::InvalidUsername(why.to_owned()));
    if name.is_empty() {
        return invalid("it is empty");
    }
    if name.len() > MAX_USERNAME_LEN {
        return invalid("it is longer than 64 characters");
    }
    if !name
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"._-@".contains(&c))
    {
        return invalid("use only letters, digits, '.', '_', '-' and '@'");
    }
    Ok(())
}

/// The key of the case-insensitive username index.
pub(crate) fn username_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// An API token as stored: the secret itself is shown once and never kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Id for listing and revoking.
    pub id: TokenId,
    /// SHA-256 of the secret.
    pub hash: TokenHash,
    /// Whose token it is; it acts with this user's rights.
    pub user: UserId,
    /// A name the user chose ("grafana", "cron job").
    pub name: String,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it was last used, to a minute or so (updates are throttled).
    pub last_used: Option<DateTime<Utc>>,
    /// After this instant the token is refused; `None` never expires.
    /// Records written before expiry existed read as `None`.
    #[serde(default)]
    pub expires: Option<DateTime<Utc>>,
    /// A read-only token may read what its user may read, and is refused
    /// (403) on every request that would change state.
    #[serde(default)]
    pub read_only: bool,
}

impl ApiToken {
    /// Whether the token has expired at `now`.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_some_and(|e| now >= e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_order() {
        assert_eq!("Admin".parse::<Role>().unwrap(), Role::Admin);
        assert_eq!("viewer".parse::<Role>().unwrap(), Role::Viewer);
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
    }

    #[test]
    fn usernames() {
        assert!(validate_username("alice.smith@example").is_ok());
        for bad in ["", "a b", "ä", "x/y", &"a".repeat(65)] {
            assert!(validate_username(bad).is_err(), "{bad:?}");
        }
        assert_eq!(username_key("Alice"), username_key("aLICE"));
    }
}
