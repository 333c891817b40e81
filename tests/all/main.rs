//! End-to-end tests, one module per topic.

mod api_http;
mod auth_permissions;
mod auth_sessions;
mod builtin_plugins;
mod dashboards_manage;
mod dashboards_table;
mod data_conformance;
mod data_injection;
mod data_support;
mod data_timeout;
mod plugins;
mod plugins_registry;
mod server_durability;
mod store_dashboards;
mod store_process;
mod store_support;
mod store_users;
mod web_authz;
mod web_bad_input;
mod web_browser;
mod web_browser_more;
mod web_browser_support;
mod web_support;
mod web_users;
