//! API tokens for the JSON API (`Authorization: Bearer wdt_...`).
//!
//! A token is `wdt_` plus 256 random bits in hex. Only its SHA-256 is
//! stored; the plaintext is returned once, at creation. The prefix lets
//! secret scanners recognise leaked tokens and lets us refuse garbage
//! without touching the store.

use chrono::{DateTime, Duration, Utc};

use super::Auth;
use super::error::{AuthError, Result};
use crate::store::{ApiToken, TokenHash, TokenId, User, UserId, random_hex};

/// Every API token starts with this.
pub const API_TOKEN_PREFIX: &str = "wdt_";
const NAME_MAX_CHARS: usize = 100;

/// Longest lifetime a token may be given: ten years.
pub const MAX_TOKEN_LIFETIME_DAYS: i64 = 3650;

/// What a new token may do and for how long.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenOptions {
    /// How long the token is valid from its creation; `None`: until revoked.
    pub lifetime: Option<Duration>,
    /// Refuse every request that would change state.
    pub read_only: bool,
}

/// Parse a token lifetime such as `90d`, `12h` or `2w` (hours, days or
/// weeks; at least one hour, at most ten years).
pub fn parse_lifetime(text: &str) -> Result<Duration> {
    let text = text.trim();
    let bad = || AuthError::BadTokenLifetime(text.to_owned());
    let unit_at = text.len().checked_sub(1).ok_or_else(bad)?;
    if !text.is_char_boundary(unit_at) {
        return Err(bad());
    }
    let (number, unit) = text.split_at(unit_at);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let lifetime = match unit {
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        "w" => Duration::try_weeks(n),
        _ => None,
    }
    .ok_or_else(bad)?;
    if lifetime < Duration::hours(1) || lifetime > Duration::days(MAX_TOKEN_LIFETIME_DAYS) {
        return Err(bad());
    }
    Ok(lifetime)
}

/// A newly created token.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// The secret, to show the user once. Never stored.
    pub plaintext: String,
    /// The stored record.
    pub token: ApiToken,
}

/// The token of an `Authorization` header value `Bearer <token>`, if any.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn well_formed(token: &str) -> bool {
    token
        .strip_prefix(API_TOKEN_PREFIX)
        .is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|c| c.is_ascii_hexdigit()))
}

impl Auth {
    /// Create a token acting as `user`, named `name`, that never expires
    /// and may write.
    pub fn create_api_token(
        &self,
        user: &UserId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<NewApiToken> {
        self.create_api_token_with(user, name, TokenOptions::default(), now)
    }

    /// Create a token acting as `user`, named `name`, with `options`.
    pub fn create_api_token_with(
        &self,
        user: &UserId,
        name: &str,
        options: TokenOptions,
        now: DateTime<Utc>,
    ) -> Result<NewApiToken> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
            return Err(AuthError::BadTokenName);
        }
        let plaintext = format!("{API_TOKEN_PREFIX}{}", random_hex(32));
        let token = ApiToken {
            id: TokenId::random(),
            hash: TokenHash::of(&plaintext),
            user: user.clone(),
            name: name.to_owned(),
            created: now,
            last_used: None,
            expires: options.lifetime.map(|l| now + l),
            read_only: options.read_only,
        };
        self.store.insert_api_token(&token)?;
        Ok(NewApiToken { plaintext, token })
    }

    /// The user a bearer token acts as. Refuses malformed, unknown,
    /// expired and revoked tokens and tokens of disabled users.
    pub fn verify_api_token(&self, token: &str, now: DateTime<Utc>) -> Result<User> {
        self.verify_api_token_scoped(token, now)
            .map(|(user, _)| user)
    }

    /// [`Self::verify_api_token`], also returning the token's record (its
    /// read-only scope, for the caller to enforce).
    pub fn verify_api_token_scoped(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(User, ApiToken)> {
        if !well_formed(token) {
            return Err(AuthError::InvalidToken);
        }
        // Looking up by hash means no secret is ever compared byte by byte.
        let hash = TokenHash::of(token);
        let record = self
            .store
            .api_token(&hash)?
            .filter(|t| !t.is_expired(now))
            .ok_or(AuthError::InvalidToken)?;
        let user = self
            .store
            .user(&record.user)?
            .filter(|u| !u.disabled)
            .ok_or(AuthError::InvalidToken)?;
        let stale = record
            .last_used
            .is_none_or(|t| now - t >= self.config.touch_interval);
        if stale {
            self.store.touch_api_token(&hash, now)?;
        }
        Ok((user, record))
    }

    /// Revoke one of `user`'s tokens.
    pub fn revoke_api_token(&self, user: &UserId, id: &TokenId) -> Result<()> {
        Ok(self.store.delete_api_token(user, id)?)
    }

    /// Revoke any user's token (an administrator's action).
    pub fn revoke_any_api_token(&self, id: &TokenId) -> Result<ApiToken> {
        let token = self
            .store
            .api_token_by_id(id)?
            .ok_or(crate::store::StoreError::TokenNotFound)?;
        self.store.delete_api_token(&token.user, id)?;
        Ok(token)
    }

    /// A user's tokens (without secrets), oldest first.
    pub fn api_tokens(&self, user: &UserId) -> Result<Vec<ApiToken>> {
        Ok(self.store.api_tokens_of(user)?)
    }

    /// Every user's tokens (without secrets), oldest first.
    pub fn all_api_tokens(&self) -> Result<Vec<ApiToken>> {
        Ok(self.store.all_api_tokens()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("abc"), None);
    }

    #[test]
    fn lifetimes() {
        assert_eq!(parse_lifetime("90d").unwrap(), Duration::days(90));
        assert_eq!(parse_lifetime("12h").unwrap(), Duration::hours(12));
        assert_eq!(parse_lifetime("2w").unwrap(), Duration::weeks(2));
        for bad in [
            "",
            "d",
            "90",
            "0d",
            "-1d",
            "30m",
            "99999d",
            "1é",
            "9223372036854775807w",
        ] {
            assert!(parse_lifetime(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shape() {
        assert!(well_formed(&format!("wdt_{}", "a".repeat(64))));
        assert!(!well_formed(&format!("wdt_{}", "g".repeat(64))));
        assert!(!well_formed("wdt_abc"));
        assert!(!well_formed(&"a".repeat(68)));
    }
}
