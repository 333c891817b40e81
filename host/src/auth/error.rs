//! The one error type of authentication and accounts.

use crate::store::StoreError;

/// Result alias of `auth`.
pub type Result<T, E = AuthError> = std::result::Result<T, E>;

/// Why an authentication or account operation failed. Messages are safe
/// to show: none says whether a username exists.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Unknown user or wrong password (deliberately not told apart).
    #[error("wrong username or password")]
    InvalidCredentials,
    /// The password was right but the account is disabled.
    #[error("this account is disabled; ask an administrator")]
    AccountDisabled,
    /// No session, or one that was ended (logout, password change).
    #[error("please sign in")]
    NotSignedIn,
    /// The session timed out.
    #[error("your session has expired; please sign in again")]
    SessionExpired,
    /// The CSRF token is missing or wrong.
    #[error("this request did not carry the right security token; reload the page and try again")]
    CsrfMismatch,
    /// The bearer token is malformed, unknown, expired or revoked, or its
    /// user is disabled.
    #[error("the API token is invalid, expired or revoked")]
    InvalidToken,
    /// A read-only API token was used for a request that changes state.
    #[error("this API token is read-only; create a token without --read-only to make changes")]
    ReadOnlyToken,
    /// The setup link is unknown, expired or used, or users exist already.
    #[error("this setup link is not valid (any more)")]
    SetupClosed,
    /// A token lifetime that is not `<n>h`, `<n>d` or `<n>w` between one
    /// hour and ten years.
    #[error("invalid token lifetime {0:?}: use e.g. 12h, 90d or 2w (1 hour to 10 years)")]
    BadTokenLifetime(String),
    /// The new password is too short.
    #[error("the password must be at least {min} characters long")]
    PasswordTooShort {
        /// The minimum length in characters.
        min: usize,
    },
    /// The new password is absurdly long (hashing cost is bounded).
    #[error("the password must be at most {max} characters long")]
    PasswordTooLong {
        /// The maximum length in characters.
        max: usize,
    },
    /// An API token name is empty or too long.
    #[error("an API token needs a name of 1 to 100 characters")]
    BadTokenName,
    /// Too many failed sign-ins; refused without checking the password.
    #[error("{}", throttled_message(.0))]
    Throttled(super::throttle::Locked),
    /// Every password-hashing slot stayed busy (a sign-in flood).
    #[error("sign-in is busy right now; try again in a few seconds")]
    Busy,
    /// Hashing failed; not the user's fault.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The state store failed or refused (e.g. a duplicate username).
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn throttled_message(l: &super::throttle::Locked) -> String {
    let who = match l.scope {
        super::throttle::ThrottleScope::Account => "for this account",
        super::throttle::ThrottleScope::Network => "from your network",
    };
    let secs = l.retry_after_secs;
    let unit = if secs == 1 { "second" } else { "seconds" };
    format!("too many failed sign-ins {who}; try again in {secs} {unit}")
}
