//! `/setup/{token}`: the one-time page where the first administrator of a
//! server started without users and without `WASMDASH_ADMIN_PASSWORD`
//! picks a name and password (see [`crate::auth::FirstStart`]).
//!
//! Any token but the printed one, an expired one, or any token once an
//! administrator exists gets 404, as if the page did not exist.

use axum::{
    Form, Router,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{PageContext, Section, page};
use crate::auth::{Lane, MIN_PASSWORD_CHARS};
use crate::http::{AppState, HttpError, session_set_cookie};

/// The setup page's route.
pub(super) fn router() -> Router<AppState> {
    Router::new().route("/setup/{token}", get(show).post(complete))
}

/// What the setup form sends.
#[derive(Debug, Deserialize)]
pub(super) struct SetupForm {
    /// The administrator's login name.
    username: String,
    /// Their password.
    password: String,
    /// The password again.
    repeat: String,
}

fn not_found() -> HttpError {
    HttpError::not_found("there is no such page")
}

async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Markup, HttpError> {
    if !state.auth.setup_token_valid(&token, Utc::now()) {
        return Err(not_found());
    }
    Ok(view(&token, None, "admin"))
}

async fn complete(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> Result<Response, HttpError> {
    if !state.auth.setup_token_valid(&token, Utc::now()) {
        return Err(not_found());
    }
    if form.password != form.repeat {
        let page = view(&token, Some("the passwords do not match"), &form.username);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (t, name, password) = (token.clone(), form.username.clone(), form.password);
    let created = state
        .auth
        .with_hashing(Lane::General, move |auth| {
            let user = auth.complete_setup(&t, &name, &password, Utc::now())?;
            auth.start_session(user, Utc::now())
        })
        .await;
    let session = match created {
        Ok(session) => session,
        Err(crate::auth::AuthError::SetupClosed) => return Err(not_found()),
        Err(e @ crate::auth::AuthError::Busy) => return Err(e.into()),
        Err(e) => {
            // A bad name or password: the form again, with the reason.
            let page = view(&token, Some(&e.to_string()), &form.username);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    tracing::info!(user = %form.username, "the first administrator was created through the setup link");
    let cookie = session_set_cookie(session.token.as_str(), state.secure_cookies);
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(HttpError::internal)?,
    );
    Ok(response)
}

fn view(token: &str, problem: Option<&str>, username: &str) -> Markup {
    let ctx = PageContext {
        section: Section::None,
        ..PageContext::default()
    };
    page(
        "Set up",
        &ctx,
        html! {
            div.login.panel {
                h1 { "Create the first administrator" }
                p.muted { "This server has no users yet. This page works once; afterwards, sign in as the administrator you create here." }
                @if let Some(problem) = problem {
                    div.flash.error role="alert" { (problem) }
                }
                form method="post" action={ "/setup/" (token) } {
                    label for="setup-username" { "Username" }
                    input #setup-username type="text" name="username" value=(username) required maxlength="64" autocomplete="username";
                    label for="setup-password" { "Password (" (MIN_PASSWORD_CHARS) "+ characters)" }
                    input #setup-password type="password" name="password" required minlength=(MIN_PASSWORD_CHARS) autocomplete="new-password";
                    label for="setup-repeat" { "Repeat the password" }
                    input #setup-repeat type="password" name="repeat" required autocomplete="new-password";
                    button.btn-primary type="submit" { "Create administrator" }
                }
            }
        },
    )
}
