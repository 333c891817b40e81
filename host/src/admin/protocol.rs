//! What travels over the admin socket: one JSON request line, one JSON
//! reply.

use serde::{Deserialize, Serialize};

use super::AdminError;

/// One administrative command, with everything it needs (passwords are
/// read by the CLI and sent over the owner-only socket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum AdminRequest {
    /// Fail unless `name` is free (asked before prompting for a password).
    UserNameFree {
        /// Login name.
        name: String,
    },
    /// Fail unless user `name` exists.
    UserExists {
        /// Login name.
        name: String,
    },
    /// Add a user.
    UserAdd {
        /// Login name.
        name: String,
        /// `admin`, `editor` or `viewer`.
        role: String,
        /// The password.
        password: String,
    },
    /// List users.
    UserList,
    /// Set a password and end the user's sessions.
    UserPasswd {
        /// Login name.
        name: String,
        /// The new password.
        password: String,
    },
    /// Disable a user (ending their sessions) or enable them again.
    UserDisable {
        /// Login name.
        name: String,
        /// Enable instead.
        enable: bool,
    },
    /// Create an API token; its secret is in the output, once.
    TokenCreate {
        /// Whose token it is.
        user: String,
        /// Its label.
        name: String,
        /// Lifetime such as `90d`; none: until revoked.
        expires: Option<String>,
        /// Refuse writes.
        read_only: bool,
    },
    /// List tokens, of one user or all.
    TokenList {
        /// Only this user's.
        user: Option<String>,
    },
    /// Revoke a token by id.
    TokenRevoke {
        /// The token's id.
        id: String,
    },
    /// List alerts.
    AlertsList {
        /// A JSON array instead of a table.
        json: bool,
    },
    /// Evaluate one alert or every enabled one now.
    AlertsCheckNow {
        /// The alert; all enabled ones when `None`.
        id: Option<String>,
    },
    /// Show every rollup's state, watermark and size.
    RollupsStatus {
        /// A JSON array instead of a table.
        json: bool,
    },
    /// Rebuild one rollup (every one when `None`) from the whole history.
    RollupsRebuild {
        /// The rollup's name.
        name: Option<String>,
    },
    /// A dashboard's content (title, layout, widgets) as JSON, for
    /// `wasmdash export --dashboard`: the CLI reads the rows from the
    /// sources itself, so only the definition crosses the socket.
    DashboardContent {
        /// The dashboard's id.
        id: String,
    },
}

/// The answer: what to print, or why it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminReply {
    /// Standard output of the command.
    pub output: String,
    /// Set when the command failed: the one-line reason.
    pub error: Option<String>,
}

impl AdminReply {
    /// A reply from the result of [`super::execute`].
    pub fn from_result(result: Result<String, AdminError>) -> Self {
        match result {
            Ok(output) => Self {
                output,
                error: None,
            },
            Err(e) => Self {
                output: String::new(),
                error: Some(e.to_string()),
            },
        }
    }

    /// The output, or the error.
    pub fn into_result(self) -> Result<String, AdminError> {
        match self.error {
            None => Ok(self.output),
            Some(e) => Err(AdminError(e)),
        }
    }
}
