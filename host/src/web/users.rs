//! `/admin/users`: admins list, add, re-role, reset, disable and delete
//! users (the same operations as `wasmdash user ...`).
//!
//! Guard rails: nobody changes their own role, status or existence here
//! (that is how an admin locks everyone out), the last active admin stays
//! an active admin, and a user who still owns dashboards is disabled
//! rather than deleted, so no dashboard is left without an owner.

use axum::{
    Form, Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use crate::auth::can_manage_users;
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer};
use crate::store::{Role, User, UserId};

const PAGE: &str = "/admin/users";

/// Routes of the users page and its actions.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(PAGE, get(list).post(add))
        .route("/admin/users/{id}/role", post(set_role))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/users/{id}/disabled", post(set_disabled))
        .route("/admin/users/{id}/delete", post(delete))
}

fn require_admin(viewer: &Viewer) -> Result<(), HttpError> {
    if can_manage_users(&viewer.user) {
        Ok(())
    } else {
        Err(HttpError::forbidden("only admins manage users"))
    }
}

/// A role name from a form, or 400 saying which names exist.
pub(super) fn parse_role(value: &str) -> Result<Role, HttpError> {
    value
        .parse()
        .map_err(|e: crate::store::UnknownRole| HttpError::bad_request(e.to_string()))
}

async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, HttpError> {
    require_admin(&viewer)?;
    let users = state.auth.store().users()?;
    let ctx = page_context(&viewer, Section::Admin);
    Ok(page(
        "Users",
        &ctx,
        html! {
            div.page-head { h1 { "Users" } }
            form.panel.toolbar hx-post=(PAGE) hx-target="#users-error" aria-label="Add a user" {
                label.sr-only for="new-username" { "Username" }
                input #new-username type="text" name="username" placeholder="Username" required maxlength="64" autocomplete="off";
                label.sr-only for="new-password" { "Password" }
                input #new-password type="password" name="password" placeholder="Password (12+ characters)" required autocomplete="new-password";
                label.sr-only for="new-role" { "Role" }
                select #new-role name="role" { (role_options(Role::Viewer)) }
                button.btn-primary type="submit" { "Add user" }
            }
            div #users-error aria-live="polite" {}
            @if users.len() <= 1 {
                div.panel.empty-state {
                    p { "You are the only user." }
                    p { "Add people above: viewers see what is shared with them, editors build dashboards, admins also manage users." }
                }
            }
            table.list.panel {
                thead { tr {
                    th scope="col" { "User" } th scope="col" { "Role" } th scope="col" { "Status" }
                    th scope="col" { "Reset password" } th scope="col" { span.sr-only { "Actions" } }
                } }
                tbody { @for u in &users { (row(&viewer, u)) } }
            }
        },
    ))
}

fn role_options(selected: Role) -> Markup {
    html! {
        @for role in Role::ALL {
            option value=(role.as_str()) selected[role == selected] { (role.as_str()) }
        }
    }
}

fn row(viewer: &Viewer, u: &User) -> Markup {
    let id = u.id.as_str();
    let me = u.id == viewer.user.id;
    let base = format!("{PAGE}/{id}");
    html! {
        tr data-user=(u.username) {
            td { (u.username) @if me { " " span.muted { "(you)" } } }
            td {
                @if me { (u.role.as_str()) }
                @else {
                    form.toolbar hx-post={ (base) "/role" } hx-target="#users-error" {
                        label.sr-only for={ "role-" (id) } { "Role of " (u.username) }
                        select id={ "role-" (id) } name="role" { (role_options(u.role)) }
                        button type="submit" { "Change role" }
                    }
                }
            }
            td { @if u.disabled { span.badge { "disabled" } } @else { "active" } }
            td {
                form.toolbar hx-post={ (base) "/password" } hx-target="#users-error" {
                    label.sr-only for={ "pw-" (id) } { "New password for " (u.username) }
                    input id={ "pw-" (id) } type="password" name="password" placeholder="New password" required autocomplete="new-password";
                    button type="submit" { "Reset" }
                }
            }
            td.actions {
                div.toolbar {
                    @if !me {
                        button hx-post={ (base) "/disabled" } hx-target="#users-error"
                            hx-vals={ r#"{"disabled": ""# (!u.disabled) r#""}"# } {
                            @if u.disabled { "Enable" } @else { "Disable" }
                        }
                        button.btn-danger hx-post={ (base) "/delete" } hx-target="#users-error"
                            hx-confirm={ "Delete the user “" (u.username) "”? This cannot be undone." } { "Delete" }
                    }
                }
            }
        }
    }
}

/// The add form.
#[derive(Debug, Deserialize)]
pub(super) struct AddForm {
    username: String,
    password: String,
    role: String,
}

async fn add(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<AddForm>,
) -> Result<Response, HttpError> {
    require_admin(&viewer)?;
    let role = parse_role(&form.role)?;
    state
        .auth
        .create_user(form.username.trim(), &form.password, role, Utc::now())?;
    hx_redirect(PAGE)
}

/// The other user an admin acts on; never the admin themself.
fn target(state: &AppState, viewer: &Viewer, id: &str, what: &str) -> Result<User, HttpError> {
    require_admin(viewer)?;
    let user = state
        .auth
        .store()
        .user(&UserId::from_string(id))?
        .ok_or_else(|| HttpError::not_found("no such user"))?;
    if user.id == viewer.user.id {
        return Err(HttpError::conflict(format!(
            "you cannot {what} your own account; ask another admin"
        )));
    }
    Ok(user)
}

/// Refuse when `user` is the last active admin.
fn keep_an_admin(state: &AppState, user: &User) -> Result<(), HttpError> {
    if user.role != Role::Admin || user.disabled {
        return Ok(());
    }
    let active_admins = state
        .auth
        .store()
        .users()?
        .iter()
        .filter(|u| u.role == Role::Admin && !u.disabled)
        .count();
    if active_admins <= 1 {
        return Err(HttpError::conflict(format!(
            "{} is the last active admin; make someone else an admin first",
            user.username
        )));
    }
    Ok(())
}

/// The role form.
#[derive(Debug, Deserialize)]
pub(super) struct RoleForm {
    role: String,
}

async fn set_role(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, HttpError> {
    let user = target(&state, &viewer, &id, "change the role of")?;
    let role = parse_role(&form.role)?;
    if role != Role::Admin {
        keep_an_admin(&state, &user)?;
    }
    state.auth.store().set_role(&user.id, role)?;
    hx_redirect(PAGE)
}

/// The password form.
#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, HttpError> {
    require_admin(&viewer)?;
    let user = state
        .auth
        .store()
        .user(&UserId::from_string(&id))?
        .ok_or_else(|| HttpError::not_found("no such user"))?;
    // Ends the user's sessions; an admin resetting their own password signs
    // in again, like after `wasmdash user passwd`.
    state
        .auth
        .change_password(&user.id, &form.password, Utc::now())?;
    if user.id == viewer.user.id {
        return hx_redirect("/login");
    }
    hx_redirect(PAGE)
}

/// The disable/enable button.
#[derive(Debug, Deserialize)]
pub(super) struct DisabledForm {
    disabled: String,
}

async fn set_disabled(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<DisabledForm>,
) -> Result<Response, HttpError> {
    let user = target(&state, &viewer, &id, "disable")?;
    let disabled = match form.disabled.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(HttpError::bad_request("disabled must be true or false"));
        }
    };
    if disabled {
        keep_an_admin(&state, &user)?;
    }
    state.auth.store().set_disabled(&user.id, disabled)?;
    hx_redirect(PAGE)
}

async fn delete(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let user = target(&state, &viewer, &id, "delete")?;
    keep_an_admin(&state, &user)?;
    let store = state.auth.store();
    let owned = store
        .dashboards()?
        .iter()
        .filter(|d| d.owner == user.id)
        .count();
    if owned > 0 {
        return Err(HttpError::conflict(format!(
            "{} still owns {owned} dashboard(s); disable the account instead, or delete those dashboards first",
            user.username
        )));
    }
    store.delete_user(&user.id)?;
    hx_redirect(PAGE)
}
