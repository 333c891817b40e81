//! Session records. The session id is a secret held by the browser; the
//! store keys sessions by its [`TokenHash`](super::TokenHash).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{TokenHash, UserId};

/// A signed-in browser session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// SHA-256 of the session id sent in the cookie.
    pub hash: TokenHash,
    /// Who is signed in.
    pub user: UserId,
    /// Token the pages echo back on every state-changing request. Not a
    /// credential on its own (it only works with the session cookie), so it
    /// is stored as is and rendered into pages.
    pub csrf_token: String,
    /// When the session was created (sign-in time).
    pub created: DateTime<Utc>,
    /// When it ends unless used again (sliding expiry).
    pub expires: DateTime<Utc>,
    /// Last time it was seen, to a minute or so (updates are throttled).
    pub last_seen: DateTime<Utc>,
}
