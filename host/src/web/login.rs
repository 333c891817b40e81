//! Sign-in and sign-out pages.

use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{PageContext, Section, page};
use super::session::{session_clear_cookie, session_cookie, session_set_cookie};
use super::{AppError, AppState};
use crate::auth::{AuthError, check_csrf};

/// Routes: `GET/POST /login`, `POST /logout`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
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

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let previous = session_cookie(&headers).map(str::to_owned);
    let auth = state.auth.clone();
    let username = form.username.clone();
    // Argon2 is deliberately slow: keep it off the async workers.
    let result = tokio::task::spawn_blocking(move || {
        auth.login(&username, &form.password, previous.as_deref(), Utc::now())
    })
    .await
    .map_err(AppError::internal)?;
    match result {
        Ok(signed_in) => {
            let cookie = session_set_cookie(signed_in.token.as_str(), state.secure_cookies);
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
            );
            Ok(response)
        }
        Err(err @ (AuthError::InvalidCredentials | AuthError::AccountDisabled)) => Ok((
            StatusCode::UNAUTHORIZED,
            login_view(Some(&err.to_string()), &form.username),
        )
            .into_response()),
        Err(err) => Err(err.into()),
    }
}

/// The sign-out form carries the CSRF token as a field.
#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    csrf_token: Option<String>,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, AppError> {
    if let Some(token) = session_cookie(&headers) {
        if let Ok((_, session)) = state.auth.validate_session(token, Utc::now()) {
            check_csrf(&session, form.csrf_token.as_deref())?;
        }
        state.auth.logout(token)?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&session_clear_cookie()).map_err(AppError::internal)?,
    );
    Ok(response)
}
