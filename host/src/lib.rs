//! wasmdash: a self-hosted analytics dashboard host whose widgets, export
//! formats and alert rules are sandboxed WebAssembly components.
//!
//! This crate is the top of a small workspace whose dependency arrows point
//! one way (see `docs/architecture.md`):
//!
//! - [`frame`] (`wasmdash-frame`) holds the columnar values passed from data
//!   to plugins;
//! - [`data`] (`wasmdash-data`) is the only crate that knows SQL: it compiles
//!   declared metrics into queries that aggregate in the database;
//! - [`plugins`] (`wasmdash-plugins`) is the only crate that knows wasmtime:
//!   it loads, limits and calls plugins;
//! - [`store`] (`wasmdash-store`) is the only crate that knows sled: users,
//!   sessions, dashboards and their history, alerts and the outbox,
//!   flushed before every acknowledgement.
//!
//! They are re-exported under their module names, so `wasmdash::data` is
//! `wasmdash_data`. This crate is a library plus the `wasmdash` binary, so
//! tests drive the same code the binary runs:
//!
//! - [`auth`] turns credentials into users and answers, in one place, what
//!   a user may do.
//! - [`config`] reads and validates `wasmdash.toml`.
//! - [`dashboards`], [`widget`], [`export`] and [`alerts`] are the
//!   services: transport-neutral, the rules live there.
//! - [`http`] is the HTTP edge: app state, the one error type,
//!   extractors, downloads. The pages (`web`) and the JSON API (`api`) sit
//!   on it side by side, composed by [`app`]; nothing imports either.
//! - [`cli`] holds one file per subcommand.
//! - [`openapi`] describes `/api/v1` as an OpenAPI 3.1 document.
//! - [`telemetry`] renders Prometheus metrics and counts HTTP requests.
//! - [`admin`] answers the user, token and alert commands, in the running
//!   server over its admin socket or in the CLI itself.
//! - [`export`] streams a dataset, a widget or a dashboard report through
//!   an exporter plugin.
//! - [`alerts`] evaluates alert rules on a schedule and emails through a
//!   persistent outbox.

pub mod admin;
pub mod alerts;
mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod dashboards;
pub mod export;
pub mod http;
pub mod openapi;
pub mod seed;
pub mod server;
pub mod telemetry;
mod web;
pub mod widget;

pub use wasmdash_data as data;
pub use wasmdash_frame as frame;
pub use wasmdash_plugins as plugins;
pub use wasmdash_store as store;

/// The application router: the pages and the JSON API side by side on the
/// HTTP edge. Apart from `main` so tests can drive it without a socket.
pub fn app(state: http::AppState) -> axum::Router {
    http::edge(web::router(state.clone()).merge(api::router()), state)
}
