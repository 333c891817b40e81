//! The plugin runtime: the only module that knows wasmtime.

use std::path::PathBuf;

use serde::Deserialize;

/// `[plugins]` in `wasmdash.toml`: where drop-in plugins live and the sandbox
/// limits every call runs under.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PluginSettings {
    /// Folder watched for drop-in `.wasm` plugins.
    pub dir: Option<PathBuf>,
    /// Folder for compiled components; defaults to `<data_dir>/plugin-cache`.
    pub cache_dir: Option<PathBuf>,
    /// Wall-clock budget of one plugin call, milliseconds.
    pub timeout_ms: u64,
    /// Linear memory limit of one plugin instance, MiB.
    pub memory_limit_mib: u64,
    /// Largest output one call may return, bytes.
    pub max_output_bytes: u64,
    /// Plugin instances alive at once (sizes the pooling allocator).
    pub max_concurrency: u32,
}

impl Default for PluginSettings {
    fn default() -> Self {
        Self {
            dir: None,
            cache_dir: None,
            timeout_ms: 250,
            memory_limit_mib: 64,
            max_output_bytes: 4 * 1024 * 1024,
            max_concurrency: 32,
        }
    }
}

/// All installed plugins (placeholder until the runtime lands).
#[derive(Debug, Default)]
pub struct PluginRegistry;
