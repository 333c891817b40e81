//! `wasmdash.toml`: read once at start, validated into typed structs.
