//! End-to-end tests, one module per topic.

mod plugins;
mod plugins_registry;
