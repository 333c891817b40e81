//! End-to-end tests, one module per topic.
