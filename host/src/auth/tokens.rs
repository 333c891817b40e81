//! API tokens for the JSON API (`Authorization: Bearer wdt_...`).
//!
//! A token is `wdt_` plus 256 random bits in hex. Only its SHA-256 is
//! stored; the plaintext is returned once, at creation. The prefix lets
//! secret scanners recognise leaked tokens and lets us refuse garbage
//! without touching the store.

use chrono::{DateTime, Utc};

use super::Auth;
use super::error::{AuthError, Result};
use crate::store::{ApiToken, TokenHash, TokenId, User, UserId, random_hex};

/// Every API token starts with this.
pub const API_TOKEN_PREFIX: &str = "wdt_";
const NAME_MAX_CHARS: usize = 100;

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
    /// Create a token acting as `user`, named `name`.
    pub fn create_api_token(
        &self,
        user: &UserId,
        name: &str,
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
        };
        self.store.insert_api_token(&token)?;
        Ok(NewApiToken { plaintext, token })
    }

    /// The user a bearer token acts as. Refuses malformed, unknown and
    /// revoked tokens and tokens of disabled users.
    pub fn verify_api_token(&self, token: &str, now: DateTime<Utc>) -> Result<User> {
        if !well_formed(token) {
            return Err(AuthError::InvalidToken);
        }
        // Looking up by hash means no secret is ever compared byte by byte.
        let hash = TokenHash::of(token);
        let record = self
            .store
            .api_token(&hash)?
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
        Ok(user)
    }

    /// Revoke one of `user`'s tokens.
    pub fn revoke_api_token(&self, user: &UserId, id: &TokenId) -> Result<()> {
        Ok(self.store.delete_api_token(user, id)?)
    }

    /// A user's tokens (without secrets), oldest first.
    pub fn api_tokens(&self, user: &UserId) -> Result<Vec<ApiToken>> {
        Ok(self.store.api_tokens_of(user)?)
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
    fn shape() {
        assert!(well_formed(&format!("wdt_{}", "a".repeat(64))));
        assert!(!well_formed(&format!("wdt_{}", "g".repeat(64))));
        assert!(!well_formed("wdt_abc"));
        assert!(!well_formed(&"a".repeat(68)));
    }
}
