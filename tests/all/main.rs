//! End-to-end tests, one module per topic.

mod plugins;
mod plugins_registry;
mod data_conformance;
mod data_support;
mod auth_permissions;
mod auth_sessions;
mod store_dashboards;
mod store_process;
mod store_support;
mod store_users;
mod data_injection;
mod data_timeout;
mod api_http;
