//! Demo data generator (placeholder).
