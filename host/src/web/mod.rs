//! HTTP: `app(state)` builds the router, apart from `main` so tests can drive it.

use std::sync::Arc;

use axum::{Router, routing::get};

use crate::data::DataEngine;
use crate::plugins::PluginRegistry;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Installed plugins.
    pub plugins: Arc<PluginRegistry>,
    /// Sources, datasets, metrics.
    pub data: Arc<DataEngine>,
}

/// Build the application router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
}
