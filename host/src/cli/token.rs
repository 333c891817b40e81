//! `wasmdash token`: create, list and revoke API tokens for the JSON API.
//!
//! A token acts with its user's role; `--read-only` ones are refused on
//! every request that changes state, and `--expires 90d` ones stop working
//! after that long. The secret is printed once, alone on the last line.
//! Like `wasmdash user`, the commands go through the running server's
//! admin socket when there is one.

use std::process::ExitCode;

use super::admin_client::{self, LocalState};
use super::user::DataDirArgs;
use crate::admin::AdminRequest;

/// Subcommands of `wasmdash token`.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token for a user and print its secret once.
    Create {
        /// The user the token acts as.
        #[arg(long)]
        user: String,
        /// A label saying what uses it, e.g. "grafana".
        #[arg(long)]
        name: String,
        /// Lifetime, e.g. 12h, 90d or 2w [default: until revoked].
        #[arg(long, value_name = "LIFETIME")]
        expires: Option<String>,
        /// Only reads: refused (403) on requests that change state.
        #[arg(long)]
        read_only: bool,
        /// Where the state lives.
        #[command(flatten)]
        dir: DataDirArgs,
    },
    /// List tokens (never their secrets): owner, scope, expiry, last use.
    List {
        /// Only this user's tokens.
        #[arg(long)]
        user: Option<String>,
        /// Where the state lives.
        #[command(flatten)]
        dir: DataDirArgs,
    },
    /// Revoke a token by its id (see `wasmdash token list`).
    Revoke {
        /// The token's id.
        id: String,
        /// Where the state lives.
        #[command(flatten)]
        dir: DataDirArgs,
    },
}

/// Run `wasmdash token ...`.
pub fn run(cmd: TokenCommand) -> anyhow::Result<ExitCode> {
    let (dir, request) = match cmd {
        TokenCommand::Create {
            user,
            name,
            expires,
            read_only,
            dir,
        } => (
            dir,
            AdminRequest::TokenCreate {
                user,
                name,
                expires,
                read_only,
            },
        ),
        TokenCommand::List { user, dir } => (dir, AdminRequest::TokenList { user }),
        TokenCommand::Revoke { id, dir } => (dir, AdminRequest::TokenRevoke { id }),
    };
    admin_client::print(&dir.resolve()?, LocalState::EXISTING, request)
}
