//! CSRF tokens: one per session, echoed by every state-changing request.
//!
//! Same-site cookies already stop most cross-site requests; the token is
//! the second lock. Pages render it into forms (field [`CSRF_FIELD`]) and
//! htmx sends it as the [`CSRF_HEADER`] header.

use subtle::ConstantTimeEq;

use super::error::{AuthError, Result};
use crate::store::Session;

/// Header htmx and API clients send the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field plain HTML forms send the token in.
pub const CSRF_FIELD: &str = "csrf_token";

/// Check a presented token against the session's, in constant time.
pub fn check_csrf(session: &Session, presented: Option<&str>) -> Result<()> {
    let Some(presented) = presented else {
        return Err(AuthError::CsrfMismatch);
    };
    let expected = session.csrf_token.as_bytes();
    // ct_eq on slices of different lengths is false without comparing
    // contents; the length itself (always 64) is no secret.
    if expected.is_empty() || !bool::from(expected.ct_eq(presented.as_bytes())) {
        return Err(AuthError::CsrfMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::store::{TokenHash, UserId};

    #[test]
    fn checks() {
        let s = Session {
            hash: TokenHash::of("x"),
            user: UserId::random(),
            csrf_token: "a".repeat(64),
            created: Utc::now(),
            expires: Utc::now(),
            last_seen: Utc::now(),
        };
        assert!(check_csrf(&s, Some(&"a".repeat(64))).is_ok());
        for bad in [None, Some(""), Some("a"), Some(&*"b".repeat(64))] {
            assert!(matches!(check_csrf(&s, bad), Err(AuthError::CsrfMismatch)));
        }
    }
}
