//! A dashboard's settings page: rename it, choose who may see or edit it,
//! download it as JSON, and find its version history.
//!
//! Renaming goes through `POST /dashboards/{id}/rename` (in
//! `dashboards.rs`) with the version the form was loaded at, so a rename
//! never overwrites a newer edit. Sharing is the owner's (or an admin's)
//! decision and is not versioned with the content.

use axum::{
    Form, Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use maud::{Markup, html};
use serde::Deserialize;

use super::dashboards::{hx_redirect, page_context};
use super::layout::{Section, page};
use super::users::parse_role;
use crate::auth::{Action, can, can_restore};
use crate::http::{AppState, HttpError};
use crate::http::{Viewer, Writer};
use crate::store::{Dashboard, Role, Sharing};

/// Routes of the settings page and the sharing form.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboards/{id}/settings", get(settings))
        .route("/dashboards/{id}/sharing", post(set_sharing))
}

/// How a sharing mode reads in the UI.
pub(super) fn describe_sharing(sharing: Sharing) -> String {
    match sharing {
        Sharing::Private => "Private: only the owner and admins".into(),
        Sharing::ReadOnly { role } => format!("Read-only for {}s and up", role.as_str()),
        Sharing::Editable { role } => format!("Editable by {}s and up", role.as_str()),
    }
}

async fn settings(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Markup, HttpError> {
    let d = state.dashboards.visible(&viewer.user, &id, Action::View)?;
    let may_edit = can(&viewer.user, Action::Edit, &d);
    let may_share = can(&viewer.user, Action::Share, &d);
    let may_export = can(&viewer.user, Action::Export, &d);
    let ctx = page_context(&viewer, Section::Dashboards);
    let base = format!("/dashboards/{}", d.id.as_str());
    Ok(page(
        &format!("Settings of {}", d.content.title),
        &ctx,
        html! {
            div.page-head {
                h1 { "Settings" }
                span.spacer {}
                a.btn href=(base) { "Back to the dashboard" }
            }
            @if may_edit { (rename_form(&d)) (super::tabs_edit::section(&d)) }
            section.panel aria-labelledby="sharing-title" {
                h2 #sharing-title { "Sharing" }
                p { "Now: " strong #sharing-now { (describe_sharing(d.sharing)) } }
                @if may_share { (sharing_form(&d)) }
                @else { p.muted { "Only the owner or an admin may change who sees this dashboard." } }
            }
            section.panel aria-labelledby="more-title" {
                h2 #more-title { "History and export" }
                ul.plain {
                    @if may_edit || can_restore(&viewer.user, &d) {
                        li { a href={ (base) "/versions" } { "Versions (the last 20, with restore)" } }
                    }
                    @if may_export {
                        li { a href={ (base) "/export.json" } download { "Download as JSON" } " — import it on the dashboards page of any wasmdash." }
                    }
                }
            }
        },
    ))
}

fn rename_form(d: &Dashboard) -> Markup {
    html! {
        section.panel aria-labelledby="rename-title" {
            h2 #rename-title { "Title" }
            form.toolbar hx-post={ "/dashboards/" (d.id.as_str()) "/rename" } hx-target="#rename-error" {
                input type="hidden" name="version" value=(d.version);
                label.sr-only for="rename-input" { "Title" }
                input #rename-input type="text" name="title" value=(d.content.title) required maxlength="200";
                button.btn-primary type="submit" { "Rename" }
                span #rename-error {}
            }
        }
    }
}

/// The value of a sharing mode in the form's select.
fn sharing_value(sharing: Sharing) -> String {
    match sharing {
        Sharing::Private => "private".into(),
        Sharing::ReadOnly { role } => format!("read_only:{role}"),
        Sharing::Editable { role } => format!("editable:{role}"),
    }
}

/// The choices offered (editing by viewers is allowed by the model but
/// offered too, since an admin may want a kiosk team).
const CHOICES: [Sharing; 6] = [
    Sharing::Private,
    Sharing::ReadOnly { role: Role::Viewer },
    Sharing::ReadOnly { role: Role::Editor },
    Sharing::Editable { role: Role::Editor },
    Sharing::Editable { role: Role::Viewer },
    Sharing::ReadOnly { role: Role::Admin },
];

fn sharing_form(d: &Dashboard) -> Markup {
    let current = sharing_value(d.sharing);
    html! {
        form.toolbar hx-post={ "/dashboards/" (d.id.as_str()) "/sharing" } hx-target="#sharing-error" {
            label for="sharing-select" { "Who may see it" }
            select #sharing-select name="sharing" {
                @for choice in CHOICES {
                    @let value = sharing_value(choice);
                    option value=(value) selected[value == current] { (describe_sharing(choice)) }
                }
            }
            button.btn-primary type="submit" { "Save sharing" }
            span #sharing-error {}
        }
    }
}

/// Parse a sharing mode: `private`, `read_only:ROLE` or `editable:ROLE`.
pub(super) fn parse_sharing(value: &str) -> Result<Sharing, HttpError> {
    let bad = || {
        HttpError::bad_request(format!(
            "unknown sharing {:?}; use private, read_only:ROLE or editable:ROLE",
            value.chars().take(64).collect::<String>()
        ))
    };
    let (mode, role) = match value.split_once(':') {
        Some((mode, role)) => (mode, Some(role)),
        None => (value, None),
    };
    match (mode, role) {
        ("private", None) => Ok(Sharing::Private),
        ("read_only", Some(role)) => Ok(Sharing::ReadOnly {
            role: parse_role(role)?,
        }),
        ("editable", Some(role)) => Ok(Sharing::Editable {
            role: parse_role(role)?,
        }),
        _ => Err(bad()),
    }
}

/// The sharing form.
#[derive(Debug, Deserialize)]
pub(super) struct SharingForm {
    sharing: String,
}

async fn set_sharing(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Path(id): Path<String>,
    Form(form): Form<SharingForm>,
) -> Result<Response, HttpError> {
    state.dashboards.visible(&viewer.user, &id, Action::Share)?;
    let sharing = parse_sharing(&form.sharing)?;
    let d = state.dashboards.set_sharing(&viewer.user, &id, sharing)?;
    hx_redirect(&format!("/dashboards/{}/settings", d.id.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_values_round_trip() {
        for choice in CHOICES {
            assert_eq!(parse_sharing(&sharing_value(choice)).unwrap(), choice);
        }
        assert!(parse_sharing("public").is_err());
        assert!(parse_sharing("read_only").is_err());
        assert!(parse_sharing("read_only:root").is_err());
        assert!(parse_sharing("private:admin").is_err());
    }
}
