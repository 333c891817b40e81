//! HTTP: `app(state)` builds the router, apart from `main` so tests can drive
//! it without a socket. One file per page or feature; maud views are plain
//! functions returning `Markup`.

use std::sync::Arc;

use axum::{Router, middleware, routing::get};

use crate::auth::Auth;
use crate::config::Config;
use crate::data::DataEngine;
use crate::plugins::PluginRegistry;

pub mod alerts;
pub mod alerts_form;
pub mod alerts_history;
pub mod alerts_input;
pub mod assets;
pub mod binding;
pub mod dashboard_io;
pub mod dashboard_settings;
pub mod dashboard_view;
pub mod dashboards;
pub mod editor;
pub mod error;
pub mod export;
pub mod layout;
pub mod login;
pub mod plugins_page;
pub mod sanitize;
pub mod schema_form;
pub mod security;
pub mod session;
pub mod tab_move;
pub mod table_view;
pub mod users;
pub mod versions;
pub mod widgets;

pub use error::{AppError, JsonError};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Installed plugins.
    pub plugins: Arc<PluginRegistry>,
    /// Sources, datasets, metrics.
    pub data: Arc<DataEngine>,
    /// Accounts, sessions, tokens (and through it the state store).
    pub auth: Arc<Auth>,
    /// The validated configuration (timezone, locale, ...).
    pub config: Arc<Config>,
    /// Mark the session cookie `Secure` (serving behind HTTPS).
    pub secure_cookies: bool,
    /// Alert definitions, evaluation and notifications.
    pub alerts: Arc<crate::alerts::AlertService>,
}

/// Build the application router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(assets::router())
        .merge(login::router())
        .merge(widgets::router())
        .merge(dashboards::router())
        .merge(dashboard_view::router())
        .merge(editor::router())
        .merge(plugins_page::router())
        .merge(dashboard_settings::router())
        .merge(versions::router())
        .merge(dashboard_io::router())
        .merge(users::router())
        .merge(tab_move::router())
        .merge(export::router())
        .merge(alerts::router())
        .merge(crate::api::router())
        .layer(middleware::from_fn(security::same_origin))
        .layer(middleware::from_fn(security::headers))
        .with_state(state)
}
