//! Running an [`AdminRequest`] against the state, in the server or in the
//! CLI: the same code, so the same output.

use std::sync::Arc;

use chrono::Utc;
use chrono_tz::Tz;

use super::AdminRequest;
use super::format;
use crate::alerts::{AlertId, AlertService, AlertStore, AlertView};
use crate::auth::{Auth, Lane, TokenOptions, parse_lifetime};
use crate::data::DataEngine;
use crate::store::{DashboardId, Role, StoreError, TokenId, User};

/// Why an administrative command failed: one line for the terminal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AdminError(pub String);

impl AdminError {
    fn of(e: impl std::fmt::Display) -> Self {
        Self(e.to_string())
    }
}

impl From<crate::auth::AuthError> for AdminError {
    fn from(e: crate::auth::AuthError) -> Self {
        Self::of(e)
    }
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        Self::of(e)
    }
}

impl From<crate::alerts::AlertError> for AdminError {
    fn from(e: crate::alerts::AlertError) -> Self {
        Self::of(e)
    }
}

/// What the commands work on.
#[derive(Debug, Clone)]
pub struct AdminContext {
    /// Accounts and tokens (and through it the state store).
    pub auth: Arc<Auth>,
    /// Alert definitions and statuses.
    pub alert_store: AlertStore,
    /// The alert service, for `check-now` (needs the data engine and the
    /// plugins; the CLI builds it only for that command).
    pub alerts: Option<Arc<AlertService>>,
    /// The timezone times are shown in.
    pub timezone: Tz,
    /// The data engine with its rollups, for `wasmdash rollups` (the CLI
    /// builds it only for those commands).
    pub data: Option<Arc<DataEngine>>,
}

/// Run `request`; the text to print, or why it failed.
pub async fn execute(request: &AdminRequest, ctx: &AdminContext) -> Result<String, AdminError> {
    if let AdminRequest::RollupsStatus { .. } | AdminRequest::RollupsRebuild { .. } = request {
        let Some(data) = &ctx.data else {
            return Err(AdminError(
                "rollups need the config with the sources: give --config FILE".into(),
            ));
        };
        return rollups(request, data).await;
    }
    let store = ctx.auth.store();
    match request {
        AdminRequest::UserNameFree { name } => {
            if store.user_by_name(name)?.is_some() {
                return Err(AdminError(format!("a user named {name:?} already exists")));
            }
            Ok(String::new())
        }
        AdminRequest::UserExists { name } => user_named(ctx, name).map(|_| String::new()),
        AdminRequest::UserAdd {
            name,
            role,
            password,
        } => {
            let role: Role = role.parse().map_err(AdminError::of)?;
            if store.user_by_name(name)?.is_some() {
                return Err(AdminError(format!("a user named {name:?} already exists")));
            }
            let (name, password) = (name.clone(), password.clone());
            let user = ctx
                .auth
                .with_hashing(Lane::General, move |auth| {
                    auth.create_user(&name, &password, role, Utc::now())
                })
                .await?;
            Ok(format!("created user {} ({})\n", user.username, user.role))
        }
        AdminRequest::UserList => Ok(format::users(&store.users()?)),
        AdminRequest::UserPasswd { name, password } => {
            let user = user_named(ctx, name)?;
            let (id, password) = (user.id.clone(), password.clone());
            ctx.auth
                .with_hashing(Lane::General, move |auth| {
                    auth.change_password(&id, &password, Utc::now())
                })
                .await?;
            Ok(format!(
                "password changed for {}; their sessions were ended\n",
                user.username
            ))
        }
        AdminRequest::UserDisable { name, enable } => {
            let user = user_named(ctx, name)?;
            store.set_disabled(&user.id, !enable)?;
            Ok(if *enable {
                format!("enabled {}\n", user.username)
            } else {
                format!(
                    "disabled {}; their sessions were ended and their tokens stop working\n",
                    user.username
                )
            })
        }
        AdminRequest::TokenCreate {
            user,
            name,
            expires,
            read_only,
        } => {
            let owner = user_named(ctx, user)?;
            let lifetime = expires.as_deref().map(parse_lifetime).transpose()?;
            let options = TokenOptions {
                lifetime,
                read_only: *read_only,
            };
            let created = ctx
                .auth
                .create_api_token_with(&owner.id, name, options, Utc::now())?;
            Ok(format::new_token(&created, &owner))
        }
        AdminRequest::TokenList { user } => {
            let tokens = match user {
                Some(name) => ctx.auth.api_tokens(&user_named(ctx, name)?.id)?,
                None => ctx.auth.all_api_tokens()?,
            };
            let users = store.users()?;
            Ok(format::tokens(&tokens, &users, Utc::now()))
        }
        AdminRequest::TokenRevoke { id } => {
            let token = ctx
                .auth
                .revoke_any_api_token(&TokenId::from_string(id.trim()))
                .map_err(|e| match e {
                    crate::auth::AuthError::Store(StoreError::TokenNotFound) => AdminError(
                        format!("there is no token with id {id:?}; see `wasmdash token list`"),
                    ),
                    other => other.into(),
                })?;
            let owner = store
                .user(&token.user)?
                .map_or_else(|| "(deleted user)".to_owned(), |u| u.username);
            Ok(format!(
                "revoked token {} ({}) of {owner}\n",
                token.id.as_str(),
                crate::cli::terminal::safe(&token.name)
            ))
        }
        AdminRequest::AlertsList { json } => {
            let mut views = Vec::new();
            for alert in ctx.alert_store.alerts()? {
                let status = ctx.alert_store.status(&alert.id)?;
                views.push(AlertView { alert, status });
            }
            views.sort_by(|a, b| a.alert.draft.name.cmp(&b.alert.draft.name));
            format::alerts(&views, store.as_ref(), ctx.timezone, *json)
        }
        AdminRequest::RollupsStatus { .. } | AdminRequest::RollupsRebuild { .. } => {
            Err(AdminError("rollups are answered above".into()))
        }
        AdminRequest::AlertsCheckNow { id } => {
            let Some(service) = &ctx.alerts else {
                return Err(AdminError(
                    "check-now needs the config with the metrics and plugins: give --config FILE"
                        .into(),
                ));
            };
            let id = id.as_deref().map(AlertId::from_string);
            let results = match service.check_now(id.as_ref()).await {
                Err(crate::alerts::AlertError::NotFound) => {
                    return Err(AdminError(format!(
                        "there is no alert with id {:?}; see `wasmdash alerts list`",
                        id.as_ref().map(AlertId::as_str).unwrap_or_default()
                    )));
                }
                other => other.map_err(|e| AdminError(format!("evaluating alerts: {e}")))?,
            };
            let mut out = format::check_results(&results);
            if results.iter().any(|r| r.notification.is_some()) {
                if service.email_enabled() {
                    let report = service
                        .deliver_due()
                        .await
                        .map_err(|e| AdminError(format!("sending notifications: {e}")))?;
                    out.push_str(&format!(
                        "emails: {} sent, {} to retry, {} refused; undelivered ones are sent by the server when it runs\n",
                        report.sent, report.retrying, report.failed
                    ));
                } else {
                    out.push_str("no [smtp] configured: notifications stay in the outbox\n");
                }
            }
            Ok(out)
        }
        AdminRequest::DashboardContent { id } => {
            let dashboard = store
                .dashboard(&DashboardId::from_string(id))?
                .ok_or_else(|| AdminError(format!("no dashboard with id {id}")))?;
            serde_json::to_string(&dashboard.content).map_err(AdminError::of)
        }
    }
}

/// Run a `wasmdash rollups` request on `data` (in the server, or in the
/// CLI when no server runs); the text to print.
pub async fn rollups(request: &AdminRequest, data: &DataEngine) -> Result<String, AdminError> {
    if !data.has_rollups() {
        return Err(AdminError(
            "no [[rollup]] is configured; see README, \"Rollups\"".into(),
        ));
    }
    match request {
        AdminRequest::RollupsStatus { json } => {
            let status = data.rollup_status().await.map_err(AdminError::of)?;
            format::rollups(&status, *json)
        }
        AdminRequest::RollupsRebuild { name } => {
            let status = data
                .rebuild_rollups(name.as_deref())
                .await
                .map_err(AdminError::of)?;
            let rebuilt: Vec<_> = status
                .into_iter()
                .filter(|s| name.as_ref().is_none_or(|n| *n == s.name))
                .collect();
            format::rollups(&rebuilt, false)
        }
        _ => Err(AdminError("not a rollups command".into())),
    }
}

fn user_named(ctx: &AdminContext, name: &str) -> Result<User, AdminError> {
    ctx.auth
        .store()
        .user_by_name(name)?
        .ok_or_else(|| AdminError(format!("there is no user named {name:?}")))
}
