//! `wasmdash user`: add users, list them, change a password.
//!
//! The password comes from standard input when it is not a terminal (one
//! line, for scripts: `echo "$PW" | wasmdash user add ...`), else from a
//! prompt, twice, without echo.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::Utc;

use crate::auth::{Auth, AuthConfig};
use crate::config::Config;
use crate::store::{Role, STATE_SUBDIR, SledStore};

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
    fn resolve(&self) -> anyhow::Result<PathBuf> {
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
}

/// Run `wasmdash user ...`.
pub fn run(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add { name, role, dir } => {
            // Check everything cheap before asking for a password.
            let role: Role = role.parse()?;
            crate::store::validate_username(&name)?;
            let auth = open(&dir, true)?;
            if auth.store().user_by_name(&name)?.is_some() {
                bail!("a user named {name:?} already exists");
            }
            let password = read_password(&name)?;
            let user = auth.create_user(&name, &password, role, Utc::now())?;
            println!("created user {} ({})", user.username, user.role);
        }
        UserCommand::List { dir } => {
            let auth = open(&dir, false)?;
            let users = auth.store().users()?;
            if users.is_empty() {
                println!("no users yet; add one with `wasmdash user add NAME --role admin`");
            }
            for u in users {
                let status = if u.disabled { "disabled" } else { "active" };
                println!(
                    "{:<24} {:<7} {:<9} created {}",
                    u.username,
                    u.role,
                    status,
                    u.created.format("%Y-%m-%d %H:%M UTC")
                );
            }
        }
        UserCommand::Passwd { name, dir } => {
            let auth = open(&dir, false)?;
            let Some(user) = auth.store().user_by_name(&name)? else {
                bail!("there is no user named {name:?}");
            };
            let password = read_password(&name)?;
            auth.change_password(&user.id, &password, Utc::now())?;
            println!(
                "password changed for {}; their sessions were ended",
                user.username
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Open the store; only `user add` may create a new one.
fn open(dir: &DataDirArgs, create: bool) -> anyhow::Result<Auth> {
    let data_dir = dir.resolve()?;
    if !create && !data_dir.join(STATE_SUBDIR).exists() {
        bail!(
            "{} holds no wasmdash state yet; add a user first with `wasmdash user add`",
            data_dir.display()
        );
    }
    let store = SledStore::open(&data_dir)?;
    Ok(Auth::new(Arc::new(store), AuthConfig::default()))
}

/// The new password: one line of stdin, or typed twice at a prompt.
fn read_password(name: &str) -> anyhow::Result<String> {
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
