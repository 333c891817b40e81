//! A save that met a newer version (someone else saved first): every form
//! that saves a dashboard — the widget form and the layout bar — offers
//! the same three ways on, with what the user typed or arranged kept on
//! the page: overwrite (apply mine to the newest version), save as a copy
//! (apply mine to a new private copy), or reload (drop mine).
//!
//! The choices are submit buttons of the form they appear in, so the form
//! sends its current state again: `overwrite=<newest version>` or
//! `as_copy=true`.

use maud::{Markup, html};

use super::widget_form::field;
use crate::auth::Action;
use crate::dashboards::DashboardsError;
use crate::http::{AppState, HttpError};
use crate::store::{Dashboard, DashboardContent, StoreError, User};

/// The banner with the three choices; `kept` says where the user's work
/// is ("Your settings are kept below."), `reload` is where reloading goes.
pub(super) fn choices(now: u64, kept: &str, reload: &str) -> Markup {
    html! {
        div.flash.error.conflict role="alert" {
            strong { "Someone saved this dashboard while you were editing (it is now at version " (now) ")." }
            p { (kept) " Overwrite applies your changes to the newest version; save as a copy puts them on your own copy of the dashboard; reload drops them and shows the newest version." }
            div.toolbar {
                button.btn-primary type="submit" name="overwrite" value=(now) { "Overwrite with mine" }
                button type="submit" name="as_copy" value="true" { "Save as a copy" }
                a.btn href=(reload) data-discard="true" { "Reload (drop my changes)" }
            }
        }
    }
}

/// The version the form means to replace: the newest one when the user
/// chose to overwrite, else the one the form was loaded with.
pub(super) fn expected_version(form: &[(String, String)]) -> Result<u64, HttpError> {
    field(form, "overwrite")
        .or_else(|| field(form, "version"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| HttpError::bad_request("the form did not say which version it edits"))
}

/// Whether the user chose to save on a copy.
pub(super) fn as_copy(form: &[(String, String)]) -> bool {
    field(form, "as_copy") == Some("true")
}

/// What became of a save.
#[derive(Debug)]
pub(super) enum Outcome {
    /// Saved (on the dashboard, or on the new copy).
    Saved(Dashboard),
    /// Someone saved first: the dashboard as it is now.
    Stale(Dashboard),
}

/// Apply `change` to dashboard `d` (edited at `version`) and save it with
/// `message`; with `copy`, apply it to a new private copy instead. A newer
/// version is [`Outcome::Stale`], for the form to offer [`choices`].
/// `change` answers `None` when what it changes is gone.
pub(super) fn save(
    state: &AppState,
    user: &User,
    d: &Dashboard,
    version: u64,
    copy: bool,
    message: Option<&str>,
    change: impl Fn(&DashboardContent) -> Result<DashboardContent, HttpError>,
) -> Result<Outcome, HttpError> {
    if copy {
        // Check the change before a copy exists, so a refused one leaves
        // nothing behind; a copy whose save fails is removed again.
        change(&d.content)?;
        let copy = state.dashboards.clone_for(user, d.id.as_str())?;
        let saved = change(&copy.content).and_then(|content| {
            Ok(state
                .dashboards
                .save(user, &copy, copy.version, &content, message)?)
        });
        if saved.is_err() {
            let _ = state.dashboards.delete(user, copy.id.as_str());
        }
        return saved.map(Outcome::Saved);
    }
    let content = change(&d.content)?;
    match state.dashboards.save(user, d, version, &content, message) {
        Ok(saved) => Ok(Outcome::Saved(saved)),
        Err(DashboardsError::Store(StoreError::Conflict { .. })) => {
            let newer = state
                .dashboards
                .visible(user, d.id.as_str(), Action::Edit)?;
            Ok(Outcome::Stale(newer))
        }
        Err(e) => Err(e.into()),
    }
}
