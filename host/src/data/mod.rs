//! The data engine: the only module that knows SQL.

/// Sources, datasets and metrics (placeholder until the engine lands).
#[derive(Debug, Default)]
pub struct DataEngine;
