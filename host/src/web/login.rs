//! Sign-in and sign-out pages.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::{
    Form, Router,
    extract::{ConnectInfo, FromRequestParts, State},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{PageContext, Section, page};
use crate::auth::{AuthError, DEVICE_COOKIE, DEVICE_COOKIE_DAYS, SignIn, check_csrf};
use crate::http::{AppState, HttpError};
use crate::http::{
    cookie_value, session_clear_cookie, session_cookie, session_set_cookie, with_retry_after,
};

/// Routes: `GET/POST /login`, `POST /logout`.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    username: String,
    password: String,
}

fn login_view(error: Option<&str>, username: &str) -> Markup {
    let ctx = PageContext {
        section: Section::None,
        ..Default::default()
    };
    page(
        "Sign in",
        &ctx,
        html! {
            div.login.panel {
                h1 { "Sign in" }
                p.muted { "Dashboards over your own data." }
                @if let Some(error) = error {
                    div.flash.error role="alert" { (error) }
                }
                form method="post" action="/login" {
                    label for="username" { "Username" }
                    input #username type="text" name="username" value=(username)
                        autocomplete="username" required autofocus;
                    label for="password" { "Password" }
                    input #password type="password" name="password"
                        autocomplete="current-password" required;
                    button.btn-primary type="submit" { "Sign in" }
                }
            }
        },
    )
}

async fn login_page() -> Markup {
    login_view(None, "")
}

/// The client's IP address, when the server was started with connection
/// info (tests driving the router without a socket have none).
#[derive(Debug, Clone, Copy)]
pub(super) struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

async fn login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, HttpError> {
    let request = SignIn {
        username: form.username.clone(),
        password: form.password,
        client,
        device_cookie: cookie_value(&headers, DEVICE_COOKIE).map(str::to_owned),
        previous_session: session_cookie(&headers).map(str::to_owned),
    };
    match state.auth.sign_in(request, Utc::now()).await {
        Ok(signed_in) => {
            let secure = if state.secure_cookies { "; Secure" } else { "" };
            let session =
                session_set_cookie(signed_in.session.token.as_str(), state.secure_cookies);
            // Only the sign-in form needs to see the device cookie.
            let device = format!(
                "{DEVICE_COOKIE}={}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                signed_in.device_cookie,
                DEVICE_COOKIE_DAYS * 86_400
            );
            let mut response = Redirect::to("/").into_response();
            for cookie in [session, device] {
                response.headers_mut().append(
                    header::SET_COOKIE,
                    HeaderValue::from_str(&cookie).map_err(HttpError::internal)?,
                );
            }
            Ok(response)
        }
        Err(err @ (AuthError::InvalidCredentials | AuthError::AccountDisabled)) => Ok((
            StatusCode::UNAUTHORIZED,
            login_view(Some(&err.to_string()), &form.username),
        )
            .into_response()),
        Err(err @ (AuthError::Throttled(_) | AuthError::Busy)) => {
            // The form again, with the reason and when to retry.
            let app = HttpError::from(err);
            let mut response = (
                app.status(),
                login_view(Some(&app.to_string()), &form.username),
            )
                .into_response();
            with_retry_after(&mut response, app.retry_after_secs());
            Ok(response)
        }
        Err(err) => Err(err.into()),
    }
}

/// The sign-out form carries the CSRF token as a field.
#[derive(Debug, Deserialize)]
pub(super) struct LogoutForm {
    csrf_token: Option<String>,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, HttpError> {
    if let Some(token) = session_cookie(&headers) {
        if let Ok((_, session)) = state.auth.validate_session(token, Utc::now()) {
            check_csrf(&session, form.csrf_token.as_deref())?;
        }
        state.auth.logout(token)?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&session_clear_cookie()).map_err(HttpError::internal)?,
    );
    Ok(response)
}
