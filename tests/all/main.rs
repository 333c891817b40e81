//! End-to-end tests, one module per topic.

mod data_conformance;
mod data_support;
mod plugins;
mod plugins_registry;
mod auth_permissions;
mod auth_sessions;
mod store_dashboards;
mod store_process;
mod store_support;
mod store_users;
mod data_injection;
mod data_timeout;
mod api_http;
mod web_authz;
mod web_bad_input;
mod web_support;
mod web_browser;
mod builtin_plugins;
