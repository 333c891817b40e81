//! HTTP: `app(state)` builds the router, apart from `main` so tests can drive
//! it without a socket. One file per page or feature; maud views are plain
//! functions returning `Markup`.

use std::sync::Arc;

use axum::{Router, middleware, routing::get};

use crate::auth::Auth;
use crate::data::DataEngine;
use crate::plugins::PluginRegistry;

pub mod assets;
pub mod binding;
pub mod error;
pub mod layout;
pub mod sanitize;
pub mod security;
pub mod session;

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
}

/// Build the application router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(assets::router())
        .layer(middleware::from_fn(security::headers))
        .with_state(state)
}
