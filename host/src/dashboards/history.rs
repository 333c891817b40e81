//! A dashboard's history as people read it: each kept version with who
//! saved it (by name), when, and their message.

use crate::store::Dashboard;

/// A dashboard's kept versions, newest first, with their authors' names.
#[derive(Debug, Clone)]
pub struct History {
    /// The dashboard as it is now.
    pub current: Dashboard,
    /// The kept versions, newest first.
    pub versions: Vec<KeptVersion>,
}

/// One kept version and who saved it.
#[derive(Debug, Clone)]
pub struct KeptVersion {
    /// The dashboard as of this version (its `note` says when and why).
    pub dashboard: Dashboard,
    /// Who saved it, as people know them.
    pub author: Author,
}

/// Who saved a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// A user, by name.
    User(String),
    /// A user deleted since.
    Removed,
    /// Saved before wasmdash kept authors.
    Unknown,
}

impl std::fmt::Display for Author {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::User(name) => f.write_str(name),
            Self::Removed => f.write_str("a removed user"),
            Self::Unknown => f.write_str("unknown"),
        }
    }
}
