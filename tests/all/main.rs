//! End-to-end tests, one module per topic.

mod plugins;
mod plugins_registry;
mod data_conformance;
mod data_support;
