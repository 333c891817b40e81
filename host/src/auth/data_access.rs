//! Who may read which data: `[[dataset]] allow = ["role:editor",
//! "user:ana"]` limits a dataset, and every metric on it, to those users.
//!
//! Without `allow` a dataset is open to every signed-in user (as before).
//! `role:R` admits users whose role is at least R (viewer < editor <
//! admin); `user:NAME` admits that account; admins read everything, as
//! they can change the configuration anyway. The rules are the same for
//! the API, widget fragments, exports, reports and alerts, because they
//! all ask [`DataAccess`].

use std::collections::HashMap;

use crate::config::Config;
use crate::data::{DatasetInfo, MetricInfo};
use crate::store::{Role, User};

/// One entry of `allow`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Grant {
    Role(Role),
    User(String),
}

/// Why a grant in the configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not `role:viewer`, `role:editor`, `role:admin` or `user:NAME`")]
pub struct BadGrant(pub String);

impl Grant {
    fn parse(text: &str) -> Result<Self, BadGrant> {
        let bad = || BadGrant(text.chars().take(80).collect());
        match text.split_once(':') {
            Some(("role", role)) => role.parse().map(Self::Role).map_err(|_| bad()),
            Some(("user", name)) if !name.trim().is_empty() => {
                Ok(Self::User(name.trim().to_ascii_lowercase()))
            }
            _ => Err(bad()),
        }
    }

    fn admits(&self, user: &User) -> bool {
        match self {
            Self::Role(role) => user.role >= *role,
            Self::User(name) => user.username.eq_ignore_ascii_case(name),
        }
    }
}

/// Check one `allow` entry (for configuration validation).
pub fn check_grant(text: &str) -> Result<(), BadGrant> {
    Grant::parse(text).map(drop)
}

/// The dataset rules of one configuration.
#[derive(Debug, Clone, Default)]
pub struct DataAccess {
    /// Datasets with an `allow` list, by name.
    limited: HashMap<String, Vec<Grant>>,
    /// The dataset of each metric.
    metric_dataset: HashMap<String, String>,
}

/// A read that the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not permitted: you may not read the data of {what}")]
pub struct NotPermitted {
    /// E.g. "dataset `payroll`".
    pub what: String,
}

impl DataAccess {
    /// The rules of `config` (grants that do not parse were refused when
    /// the configuration was validated, and are skipped here).
    pub fn from_config(config: &Config) -> Self {
        let limited = config
            .datasets
            .iter()
            .filter(|d| !d.allow.is_empty())
            .map(|d| {
                let grants = d
                    .allow
                    .iter()
                    .filter_map(|g| Grant::parse(g).ok())
                    .collect();
                (d.name.get_ref().clone(), grants)
            })
            .collect();
        let metric_dataset = config
            .metrics
            .iter()
            .map(|m| (m.name.get_ref().clone(), m.dataset.clone()))
            .collect();
        Self {
            limited,
            metric_dataset,
        }
    }

    /// Whether `user` may read dataset `name` (unknown names are allowed
    /// here: the data engine answers them with "unknown dataset").
    pub fn may_read_dataset(&self, user: &User, name: &str) -> bool {
        if user.disabled {
            return false;
        }
        match self.limited.get(name) {
            None => true,
            Some(_) if user.role == Role::Admin => true,
            Some(grants) => grants.iter().any(|g| g.admits(user)),
        }
    }

    /// Whether `user` may read metric `name` (its dataset's rule).
    pub fn may_read_metric(&self, user: &User, name: &str) -> bool {
        match self.metric_dataset.get(name) {
            Some(dataset) => self.may_read_dataset(user, dataset),
            None => !user.disabled,
        }
    }

    /// Whether some dataset's rule keeps `user` out (then catalogs shown to
    /// them must be filtered).
    pub fn limits(&self, user: &User) -> bool {
        user.disabled || self.limited.keys().any(|d| !self.may_read_dataset(user, d))
    }

    /// The entries of a metric catalog `user` may read: what lists,
    /// pickers and widget schemas offer them.
    pub fn readable_metrics(&self, user: &User, metrics: Vec<MetricInfo>) -> Vec<MetricInfo> {
        (metrics.into_iter())
            .filter(|m| self.may_read_metric(user, &m.name))
            .collect()
    }

    /// The entries of a dataset catalog `user` may read.
    pub fn readable_datasets(&self, user: &User, datasets: Vec<DatasetInfo>) -> Vec<DatasetInfo> {
        (datasets.into_iter())
            .filter(|d| self.may_read_dataset(user, &d.name))
            .collect()
    }

    /// [`Self::may_read_dataset`] as a result.
    pub fn check_dataset(&self, user: &User, name: &str) -> Result<(), NotPermitted> {
        if self.may_read_dataset(user, name) {
            Ok(())
        } else {
            Err(NotPermitted {
                what: format!("dataset `{name}`"),
            })
        }
    }

    /// [`Self::may_read_metric`] as a result.
    pub fn check_metric(&self, user: &User, name: &str) -> Result<(), NotPermitted> {
        if self.may_read_metric(user, name) {
            Ok(())
        } else {
            Err(NotPermitted {
                what: format!("metric `{name}`"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::store::UserId;

    fn user(name: &str, role: Role) -> User {
        User {
            id: UserId::random(),
            username: name.into(),
            password_hash: String::new(),
            role,
            created: Utc::now(),
            password_changed_at: Utc::now(),
            disabled: false,
        }
    }

    fn access() -> DataAccess {
        DataAccess {
            limited: HashMap::from([(
                "payroll".to_owned(),
                vec![
                    Grant::parse("role:editor").unwrap(),
                    Grant::parse("user:Ana").unwrap(),
                ],
            )]),
            metric_dataset: HashMap::from([
                ("salaries".to_owned(), "payroll".to_owned()),
                ("orders".to_owned(), "orders".to_owned()),
            ]),
        }
    }

    #[test]
    fn grants_admit_roles_at_least_and_named_users() {
        let a = access();
        let (viewer, ana, editor, admin) = (
            user("vic", Role::Viewer),
            user("ana", Role::Viewer),
            user("ed", Role::Editor),
            user("root", Role::Admin),
        );
        assert!(!a.may_read_dataset(&viewer, "payroll"));
        assert!(!a.may_read_metric(&viewer, "salaries"));
        for u in [&ana, &editor, &admin] {
            assert!(a.may_read_dataset(u, "payroll"), "{}", u.username);
            assert!(a.may_read_metric(u, "salaries"), "{}", u.username);
        }
        // Datasets without `allow` stay open to everyone signed in.
        assert!(a.may_read_metric(&viewer, "orders"));
        assert!(a.may_read_dataset(&viewer, "orders"));
        let mut gone = ana.clone();
        gone.disabled = true;
        assert!(!a.may_read_dataset(&gone, "orders"));
        let err = a.check_metric(&viewer, "salaries").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not permitted: you may not read the data of metric `salaries`"
        );
    }

    #[test]
    fn bad_grants_are_named() {
        for bad in ["editor", "role:boss", "user:", "group:x"] {
            assert!(check_grant(bad).is_err(), "{bad}");
        }
        assert!(check_grant("role:viewer").is_ok());
        assert!(check_grant("user:ana").is_ok());
    }
}
