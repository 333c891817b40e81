//! The `/api/v1` JSON handlers.
