//! wasmdash: a self-hosted analytics dashboard host whose widgets, export
//! formats and alert rules are sandboxed WebAssembly components.
//!
//! The crate is a library plus the `wasmdash` binary, so tests drive the same
//! code the binary runs. Modules keep one concern each and talk through typed
//! values:
//!
//! - [`plugins`] is the only module that knows wasmtime: it loads, limits and
//!   calls plugins.
//! - [`data`] is the only module that knows SQL: it compiles declared metrics
//!   into queries that aggregate in the database.
//! - [`frame`] holds the columnar values passed from data to plugins.
//! - [`store`] is the only module that knows sled: users, sessions,
//!   dashboards and their history, flushed before every acknowledgement.
//! - [`auth`] turns credentials into users and answers, in one place, what
//!   a user may do.
//! - [`config`] reads and validates `wasmdash.toml`.
//! - [`web`] and [`api`] are the only modules that know HTTP.
//! - [`cli`] holds one file per subcommand.
//! - [`export`] streams a dataset, a widget or a dashboard report through
//!   an exporter plugin.
//! - [`alerts`] evaluates alert rules on a schedule and emails through a
//!   persistent outbox.

pub mod alerts;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod data;
pub mod export;
pub mod frame;
pub mod plugins;
pub mod seed;
pub mod server;
pub mod store;
pub mod web;
