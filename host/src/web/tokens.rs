//! API tokens: `/account/tokens`, where every user creates (with a name,
//! an optional expiry and an optional read-only scope), lists and revokes
//! their own, and `/admin/tokens`, where admins see and revoke everyone's.
//!
//! A new token's secret is shown once, in the answer to its creation; the
//! store keeps only its hash. The same operations are on the command line
//! as `wasmdash token create|list|revoke`.

use axum::{
    Form, Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;

use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use crate::auth::{TokenOptions, can_manage_users, parse_lifetime};
use crate::http::{AppState, HttpError, Viewer, Writer};
use crate::store::{ApiToken, TokenId, User};

const OWN: &str = "/account/tokens";
const ALL: &str = "/admin/tokens";

/// Routes of both pages and their actions.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(OWN, get(own).post(create))
        .route("/account/tokens/{id}/revoke", post(revoke_own))
        .route(ALL, get(all))
        .route("/admin/tokens/{id}/revoke", post(revoke_any))
}

/// What the creation form sends.
#[derive(Debug, Deserialize)]
pub(super) struct CreateForm {
    /// What uses the token ("grafana", "nightly export").
    name: String,
    /// `never`, or a lifetime such as `90d`.
    #[serde(default)]
    expires: String,
    /// Present when the token may only read.
    #[serde(default)]
    read_only: Option<String>,
}

/// Lifetimes offered by the form.
const LIFETIMES: [(&str, &str); 5] = [
    ("never", "Never expires"),
    ("7d", "7 days"),
    ("30d", "30 days"),
    ("90d", "90 days"),
    ("365d", "1 year"),
];

async fn own(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, HttpError> {
    let tokens = state.auth.api_tokens(&viewer.user.id)?;
    let ctx = page_context(&viewer, Section::None);
    Ok(page(
        "API tokens",
        &ctx,
        html! {
            div.page-head { h1 { "API tokens" } }
            p.muted {
                "A token lets a script or tool use the JSON API as you ("
                code { "Authorization: Bearer <token>" } "), with your role. "
                "A read-only token cannot change anything. "
                a href="/api/v1/openapi.json" { "The API's OpenAPI document" } "."
            }
            form.panel.toolbar hx-post=(OWN) hx-target="#token-result" aria-label="Create a token" {
                label.sr-only for="token-name" { "Name" }
                input #token-name type="text" name="name" placeholder="Name, e.g. grafana" required maxlength="100" autocomplete="off";
                label.sr-only for="token-expires" { "Expires" }
                select #token-expires name="expires" {
                    @for (value, label) in LIFETIMES { option value=(value) { (label) } }
                }
                label { input type="checkbox" name="read_only" value="on"; " read-only" }
                button.btn-primary type="submit" { "Create token" }
            }
            div #token-result aria-live="polite" {}
            (table(&tokens, None, OWN, Utc::now()))
        },
    ))
}

async fn create(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<CreateForm>,
) -> Result<Markup, HttpError> {
    let lifetime = match form.expires.trim() {
        "" | "never" => None,
        text => Some(parse_lifetime(text)?),
    };
    let options = TokenOptions {
        lifetime,
        read_only: form.read_only.is_some(),
    };
    let created =
        state
            .auth
            .create_api_token_with(&viewer.user.id, &form.name, options, Utc::now())?;
    let tokens = state.auth.api_tokens(&viewer.user.id)?;
    Ok(html! {
        div.panel.flash role="status" {
            p { "Token " strong { (created.token.name) } " created. Copy it now: it is not shown again." }
            input.token-secret type="text" readonly value=(created.plaintext) aria-label="The new token" size="72";
        }
        // The list, refreshed in place.
        div hx-swap-oob="outerHTML:#token-table" { (table(&tokens, None, OWN, Utc::now())) }
    })
}

async fn revoke_own(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    state
        .auth
        .revoke_api_token(&viewer.user.id, &TokenId::from_string(id))?;
    hx_redirect(OWN)
}

fn require_admin(viewer: &Viewer) -> Result<(), HttpError> {
    if can_manage_users(&viewer.user) {
        Ok(())
    } else {
        Err(HttpError::forbidden("only admins see everyone's tokens"))
    }
}

async fn all(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, HttpError> {
    require_admin(&viewer)?;
    let tokens = state.auth.all_api_tokens()?;
    let users = state.auth.store().users()?;
    let ctx = page_context(&viewer, Section::Admin);
    Ok(page(
        "All API tokens",
        &ctx,
        html! {
            div.page-head { h1 { "All API tokens" } }
            p.muted { "Every user's tokens. Revoking one stops it at once." }
            div #token-result aria-live="polite" {}
            (table(&tokens, Some(&users), ALL, Utc::now()))
        },
    ))
}

async fn revoke_any(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    require_admin(&viewer)?;
    state.auth.revoke_any_api_token(&TokenId::from_string(id))?;
    hx_redirect(ALL)
}

/// The token list; with `owners`, a column says whose each token is.
fn table(tokens: &[ApiToken], owners: Option<&[User]>, page: &str, now: DateTime<Utc>) -> Markup {
    let when = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    html! {
        div #token-table {
            @if tokens.is_empty() {
                div.panel.empty-state { p { "No tokens yet." } }
            } @else {
                table.list.panel {
                    thead { tr {
                        th scope="col" { "Name" }
                        @if owners.is_some() { th scope="col" { "User" } }
                        th scope="col" { "Scope" } th scope="col" { "Created" }
                        th scope="col" { "Expires" } th scope="col" { "Last used" }
                        th scope="col" { span.sr-only { "Actions" } }
                    } }
                    tbody {
                        @for t in tokens {
                            tr data-token=(t.id.as_str()) {
                                td { (t.name) }
                                @if let Some(users) = owners {
                                    td { (users.iter().find(|u| u.id == t.user).map_or("(deleted user)", |u| u.username.as_str())) }
                                }
                                td { @if t.read_only { "read-only" } @else { "read-write" } }
                                td { (when(t.created)) }
                                td {
                                    @match t.expires {
                                        None => { "never" }
                                        Some(e) if e <= now => { span.badge { "expired " (when(e)) } }
                                        Some(e) => { (when(e)) }
                                    }
                                }
                                td { (t.last_used.map_or_else(|| "never".to_owned(), when)) }
                                td {
                                    button type="button" hx-post={ (page) "/" (t.id.as_str()) "/revoke" }
                                        hx-confirm={ "Revoke the token " (t.name) "? Whatever uses it stops working." }
                                        hx-target="#token-result" { "Revoke" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
