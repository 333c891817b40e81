//! Who may do what: the one place every route asks.
//!
//! Rules:
//! - a disabled user may do nothing;
//! - the owner and admins may do anything with a dashboard, delete and
//!   share included;
//! - `read_only{role}` lets users with at least `role` view and export;
//! - `editable{role}` lets them also edit (never delete, share or restore
//!   an old version: restoring can undo other people's work wholesale);
//! - viewers never create dashboards; editors and admins do;
//! - only admins manage users.

use crate::store::{Dashboard, Role, Sharing, User};

/// Something a user may want to do with a dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See it and its widgets.
    View,
    /// Export its data or a report.
    Export,
    /// Change content: title, layout, widgets.
    Edit,
    /// Change its sharing mode.
    Share,
    /// Delete it.
    Delete,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 5] = [
        Action::View,
        Action::Export,
        Action::Edit,
        Action::Share,
        Action::Delete,
    ];
}

/// Whether `user` may do `action` with `dashboard`.
pub fn can(user: &User, action: Action, dashboard: &Dashboard) -> bool {
    if user.disabled {
        return false;
    }
    if user.role == Role::Admin || user.id == dashboard.owner {
        return true;
    }
    match (action, dashboard.sharing) {
        (
            Action::View | Action::Export,
            Sharing::ReadOnly { role } | Sharing::Editable { role },
        ) => user.role >= role,
        (Action::Edit, Sharing::Editable { role }) => user.role >= role,
        _ => false,
    }
}

/// Whether `user` may restore an old version of `dashboard`: its owner and
/// admins only, like sharing.
pub fn can_restore(user: &User, dashboard: &Dashboard) -> bool {
    can(user, Action::Share, dashboard)
}

/// Whether `user` may create dashboards (and so clone or import them).
pub fn can_create_dashboard(user: &User) -> bool {
    !user.disabled && user.role >= Role::Editor
}

/// Whether `user` may list, add, change and disable users.
pub fn can_manage_users(user: &User) -> bool {
    !user.disabled && user.role == Role::Admin
}

/// The dashboards `user` may view, in the given order.
pub fn visible_to(user: &User, dashboards: Vec<Dashboard>) -> Vec<Dashboard> {
    dashboards
        .into_iter()
        .filter(|d| can(user, Action::View, d))
        .collect()
}
