//! End-to-end tests, one module per topic.

mod api_http;
mod auth_permissions;
mod auth_sessions;
mod builtin_exporters;
mod builtin_pdf;
mod builtin_plugins;
mod data_conformance;
mod data_injection;
mod data_support;
mod data_timeout;
mod plugins;
mod plugins_registry;
mod store_dashboards;
mod store_process;
mod store_support;
mod store_users;
mod web_authz;
mod web_bad_input;
mod web_browser;
mod web_support;
