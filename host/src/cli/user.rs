//! `wasmdash user`: add users, list them, change a password, disable.
//!
//! While a server runs on the data directory, the commands go through its
//! admin socket (see [`crate::admin`]); otherwise they open the store.
//!
//! The password comes from standard input when it is not a terminal (one
//! line, for scripts: `echo "$PW" | wasmdash user add ...`), else from a
//! prompt, twice, without echo.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::admin_client::{self, LocalState};
use crate::admin::AdminRequest;
use crate::config::Config;
use crate::store::Role;

/// Where the state lives: a data directory, or the one a config file names.
#[derive(Debug, clap::Args)]
pub struct DataDirArgs {
    /// The data directory (`[server] data_dir`); its `state` folder holds
    /// users and dashboards. The default is the one `wasmdash demo` serves.
    #[arg(long, default_value = "./wasmdash-demo/state")]
    pub data_dir: PathBuf,
    /// Take the data directory from this config file's `[server] data_dir`.
    #[arg(long, short, conflicts_with = "data_dir")]
    pub config: Option<PathBuf>,
}

impl DataDirArgs {
    /// The data directory these flags name.
    pub fn resolve(&self) -> anyhow::Result<PathBuf> {
        match &self.config {
            Some(file) => Ok(Config::load(file)?.data_dir()),
            None => Ok(self.data_dir.clone()),
        }
    }
}

/// Subcommands of `wasmdash user`.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from stdin or prompted for.
    Add {
        /// Login name (letters, digits, '.', '_', '-', '@').
        name: String,
        /// admin, editor or viewer.
        #[arg(long)]
        role: String,
        /// Where the state lives.
        #[command(flatten)]
        dir: DataDirArgs,
    },
    /// List users: name, role, status, creation time.
    List {
        /// Where the state lives.
        #[command(flatten)]
        dir: DataDirArgs,
    },
    /// Set a user's password and sign them out everywhere.
    Passwd {
        /// Login name.
        name: String,
        /// Where the state lives.
        #[command(flatten)]
        dir: DataDirArgs,
    },
    /// Disable a user: they cannot sign in, their sessions end and their
    /// API tokens stop working (`--enable` undoes it).
    Disable {
        /// Login name.
        name: String,
        /// Enable the user again instead.
        #[arg(long)]
        enable: bool,
        /// Where the state lives.
        #[command(flatten)]
        dir: DataDirArgs,
    },
}

/// Run `wasmdash user ...`: through the running server's admin socket
/// when one serves the data directory, else on the store directly.
pub fn run(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add { name, role, dir } => {
            // Check everything cheap before asking for a password.
            let _: Role = role.parse()?;
            crate::store::validate_username(&name)?;
            let data_dir = dir.resolve()?;
            let local = LocalState::CREATE;
            admin_client::run(
                &data_dir,
                local,
                AdminRequest::UserNameFree { name: name.clone() },
            )?;
            let password = read_password(&name)?;
            admin_client::print(
                &data_dir,
                local,
                AdminRequest::UserAdd {
                    name,
                    role,
                    password,
                },
            )
        }
        UserCommand::List { dir } => admin_client::print(
            &dir.resolve()?,
            LocalState::EXISTING,
            AdminRequest::UserList,
        ),
        UserCommand::Passwd { name, dir } => {
            let data_dir = dir.resolve()?;
            let local = LocalState::EXISTING;
            admin_client::run(
                &data_dir,
                local,
                AdminRequest::UserExists { name: name.clone() },
            )?;
            let password = read_password(&name)?;
            admin_client::print(
                &data_dir,
                local,
                AdminRequest::UserPasswd { name, password },
            )
        }
        UserCommand::Disable { name, enable, dir } => admin_client::print(
            &dir.resolve()?,
            LocalState::EXISTING,
            AdminRequest::UserDisable { name, enable },
        ),
    }
}

/// The new password: one line of stdin, or typed twice at a prompt.
pub(crate) fn read_password(name: &str) -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("password for {name}: "))
            .context("reading the password")?;
        let second = rpassword::prompt_password("repeat it: ").context("reading the password")?;
        if first != second {
            bail!("the passwords do not match");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if password.is_empty() {
        bail!("the password is empty");
    }
    crate::auth::check_password_rules(&password)?;
    Ok(password)
}
