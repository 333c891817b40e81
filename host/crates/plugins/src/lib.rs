//! wasmdash's plugin runtime: the only crate that knows wasmtime.
//!
//! - [`PluginRuntime`] owns the engine, the sandbox limits and the compiled
//!   cache; every call runs in a fresh store under a deadline.
//! - [`PluginRegistry`] holds the built-in and drop-in plugins and hands out
//!   typed handles: [`WidgetPlugin`], [`ExporterPlugin`] (with
//!   [`ExportSession`]) and [`AlertRulePlugin`].
//! - Every failure is a [`PluginError`] naming the plugin.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wasmdash_plugins::PluginError> {
//! use wasmdash_plugins::{PluginRegistry, PluginRuntime, PluginSettings};
//! let settings = PluginSettings::default();
//! let runtime = PluginRuntime::new(&settings, std::path::Path::new("/tmp/wasmdash-cache"))?;
//! let registry = PluginRegistry::load(runtime, &settings)?;
//! for info in registry.list() {
//!     println!("{} {} {}", info.kind.kind(), info.meta.id, info.meta.version);
//! }
//! # Ok(()) }
//! ```
//!
//! The build script compiles the built-in plugins (`plugins/`) for
//! `wasm32-wasip2` and embeds them, and the wasmtime bindings are generated
//! here once: both are the slow part of a build, and keeping them in this
//! crate means a change in the host's pages or API recompiles neither.

use std::path::PathBuf;

use serde::Deserialize;

mod bindings;
mod builtin;
mod cache;
mod display;
mod error;
mod guest_log;
mod handles;
mod info;
mod loaded;
pub mod observe;
mod property_order;
mod registry;
mod runtime;
mod sandbox;
mod schema;
mod watch;

pub use display::Display;
pub use error::{MAX_PLUGIN_TEXT_BYTES, PluginError, Result, excerpt};
pub use guest_log::{LOG_TARGET, MAX_LOG_LINES, MAX_LOG_MESSAGE_BYTES};
pub use handles::{AlertRulePlugin, ChartKind, ExportSession, ExporterPlugin, WidgetPlugin};
pub use info::{
    AlertInput, AlertState, Evaluation, ExportOptions, PluginInfo, PluginKind, PluginSource,
    RenderContext,
};
pub use property_order::ORDER_KEY;
pub use registry::{FilePlugin, PluginProblem, PluginRegistry};
pub use runtime::{PERFMAP_ENV, PluginRuntime};
pub use schema::{ConfigErrors, ConfigSchema};

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
    /// Wall-clock budget of one exporter session call (open, one batch,
    /// finish), milliseconds: a PDF lays out every page in `finish`.
    pub export_timeout_ms: u64,
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
            export_timeout_ms: 10_000,
            memory_limit_mib: 64,
            max_output_bytes: 4 * 1024 * 1024,
            max_concurrency: 32,
        }
    }
}

/// The built-in components embedded in this binary: (package name, wasm).
/// For tooling and benchmarks; normal code goes through [`PluginRegistry`].
pub fn builtin_components() -> &'static [(&'static str, &'static [u8])] {
    builtin::BUILTIN_PLUGINS
}

/// Run `fut` to completion on a short-lived thread with its own runtime, so
/// synchronous entry points (registry loading, the CLI, the watcher) work
/// both inside and outside a tokio runtime.
fn block_on<F>(fut: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .map(|rt| rt.block_on(fut))
            })
            .join()
    })
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    .unwrap_or_else(|e| panic!("cannot start a tokio runtime for plugin loading: {e}"))
}
