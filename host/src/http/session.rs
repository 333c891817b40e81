//! Who is asking: the session cookie or a bearer token, as an extractor.
//!
//! [`Viewer`] is any signed-in user (reads). [`Writer`] is a signed-in user
//! whose request may change state: with a session cookie it must carry the
//! session's CSRF token in the `X-CSRF-Token` header (htmx adds it from the
//! page's `<meta>`); a bearer token needs none, as browsers never send one
//! on their own.
//!
//! A refusal is an [`HttpError`], so JSON endpoints answer it as JSON.

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
};
use chrono::Utc;

use super::{AppState, HttpError};
use crate::auth::{AuthError, CSRF_HEADER, bearer_token, check_csrf};
use crate::store::{Session, User};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "wasmdash_session";

/// A signed-in user, for requests that only read.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The user.
    pub user: User,
    /// The browser session, when signed in with a cookie (not a token).
    pub session: Option<Session>,
}

impl Viewer {
    /// The CSRF token to put into pages, when signed in with a cookie.
    pub fn csrf_token(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.csrf_token.as_str())
    }
}

/// A signed-in user whose request passed the CSRF check.
#[derive(Debug, Clone)]
pub struct Writer(pub Viewer);

/// The session cookie's value, if the request has one.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The value of cookie `name`, if the request has one.
pub fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The `Set-Cookie` value that stores a new session in the browser.
pub fn session_set_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn session_clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

fn identify(state: &AppState, headers: &HeaderMap) -> Result<Viewer, HttpError> {
    let now = Utc::now();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(bearer_token)
            .ok_or_else(|| HttpError::from(AuthError::InvalidToken))?;
        let user = state.auth.verify_api_token(token, now)?;
        return Ok(Viewer {
            user,
            session: None,
        });
    }
    let token = session_cookie(headers).ok_or_else(HttpError::unauthorized)?;
    let (user, session) = state.auth.validate_session(token, now)?;
    Ok(Viewer {
        user,
        session: Some(session),
    })
}

impl<S> FromRequestParts<S> for Viewer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        identify(&AppState::from_ref(state), &parts.headers)
    }
}

impl<S> FromRequestParts<S> for Writer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let viewer = identify(&AppState::from_ref(state), &parts.headers)?;
        if let Some(session) = &viewer.session {
            let presented = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            check_csrf(session, presented)?;
        }
        Ok(Writer(viewer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; wasmdash_session=abc; b=2"),
        );
        assert_eq!(session_cookie(&headers), Some("abc"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("wasmdash_sessionx=1"),
        );
        assert_eq!(session_cookie(&headers), None);
    }

    #[test]
    fn session_cookie_is_http_only_and_same_site_strict() {
        let c = session_set_cookie("t", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!session_set_cookie("t", false).contains("Secure"));
    }
}
