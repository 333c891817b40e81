//! Signing in from a request: throttle, hash off the async workers,
//! count the outcome.

use std::net::IpAddr;
use std::time::Instant;

use chrono::{DateTime, Utc};

use super::Auth;
use super::error::{AuthError, Result};
use super::sessions::NewSession;

/// One sign-in request.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// As typed.
    pub username: String,
    /// As typed.
    pub password: String,
    /// The client's address, when the transport knows it.
    pub client: Option<IpAddr>,
    /// The device cookie the browser sent, if any.
    pub device_cookie: Option<String>,
    /// The session id the browser had, ended on success.
    pub previous_session: Option<String>,
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The new session.
    pub session: NewSession,
    /// The device cookie value to (re)set, see
    /// [`DEVICE_COOKIE`](super::DEVICE_COOKIE).
    pub device_cookie: String,
}

impl Auth {
    /// Sign in with a password, as a web request does: refused at once
    /// ([`AuthError::Throttled`]) while the account or network is locked
    /// after repeated failures, otherwise checked on a blocking thread
    /// within the hashing bound ([`AuthError::Busy`] when that stays full).
    pub async fn sign_in(&self, request: SignIn, now: DateTime<Utc>) -> Result<SignedIn> {
        let user = self.store.user_by_name(&request.username)?.map(|u| u.id);
        let attempt = self.throttle.attempt(
            &request.username,
            request.client,
            request.device_cookie.as_deref(),
            user.as_ref(),
            now.timestamp(),
        );
        let admitted = self
            .throttle
            .admit(attempt, Instant::now())
            .map_err(AuthError::Throttled)?;
        let SignIn {
            username,
            password,
            previous_session,
            ..
        } = request;
        let result = self
            .with_hashing(admitted.lane, move |auth| {
                auth.login(&username, &password, previous_session.as_deref(), now)
            })
            .await;
        match result {
            Ok(session) => {
                let device_cookie = self.throttle.succeeded(
                    &admitted,
                    &session.user.id,
                    Instant::now(),
                    now.timestamp(),
                );
                Ok(SignedIn {
                    session,
                    device_cookie,
                })
            }
            Err(err) => {
                if matches!(err, AuthError::InvalidCredentials) {
                    self.throttle.failed(&admitted, Instant::now());
                }
                Err(err)
            }
        }
    }
}
