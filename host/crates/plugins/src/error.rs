//! Everything that can go wrong with a plugin, as one typed error that always
//! names the plugin, so logs and the UI can say *which* plugin misbehaved.

use std::path::PathBuf;

/// A plugin failed to load or a call into it failed.
///
/// Each variant names the plugin (its id once known, else its file or
/// built-in name), so the message stands on its own in a log line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    /// The file could not be read.
    #[error("cannot read plugin file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The bytes are not a WebAssembly component.
    #[error("{plugin}: not a WebAssembly component ({found})")]
    NotAComponent {
        /// File or plugin name.
        plugin: String,
        /// What it is instead, e.g. "a core WebAssembly module".
        found: String,
    },
    /// The component does not export any plugin world this host knows.
    #[error("{plugin}: wrong world: {detail}")]
    WrongWorld {
        /// File or plugin name.
        plugin: String,
        /// What it exports versus what is expected.
        detail: String,
    },
    /// The component was built against another version of the plugin WIT.
    #[error("{plugin}: built for {found}, this host supports @{supported}")]
    VersionMismatch {
        /// File or plugin name.
        plugin: String,
        /// The interface the plugin exports, with its version.
        found: String,
        /// The WIT package version this host implements.
        supported: String,
    },
    /// The component imports something the sandbox does not provide.
    #[error("{plugin}: cannot be linked in the sandbox: {detail}")]
    Link {
        /// File or plugin name.
        plugin: String,
        /// The linker's explanation.
        detail: String,
    },
    /// wasmtime could not compile the component.
    #[error("{plugin}: cannot be compiled: {detail}")]
    Compile {
        /// File or plugin name.
        plugin: String,
        /// The compiler's explanation.
        detail: String,
    },
    /// The call ran past its deadline and was stopped.
    #[error("{plugin}: timed out after {timeout_ms} ms")]
    Timeout {
        /// Plugin id.
        plugin: String,
        /// The deadline of the call.
        timeout_ms: u64,
    },
    /// The plugin tried to use more memory than its limit.
    #[error("{plugin}: out of memory (limit {limit_mib} MiB per instance)")]
    OutOfMemory {
        /// Plugin id.
        plugin: String,
        /// The limit.
        limit_mib: u64,
    },
    /// The plugin recursed too deeply.
    #[error("{plugin}: stack overflow")]
    StackOverflow {
        /// Plugin id.
        plugin: String,
    },
    /// The plugin trapped (a Rust panic shows up as this), with the tail of
    /// what it wrote to stderr when that helps.
    #[error("{plugin}: crashed: {detail}")]
    Trap {
        /// Plugin id.
        plugin: String,
        /// The trap and the guest's last stderr output.
        detail: String,
    },
    /// The plugin returned more bytes than allowed.
    #[error("{plugin}: output too large ({size} bytes, limit {limit})")]
    OutputTooLarge {
        /// Plugin id.
        plugin: String,
        /// Bytes returned (a lower bound when the guest was stopped early).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The plugin refused the JSON config.
    #[error("{plugin}: invalid config: {message}")]
    InvalidConfig {
        /// Plugin id.
        plugin: String,
        /// The plugin's message.
        message: String,
    },
    /// The plugin refused the data.
    #[error("{plugin}: invalid data: {message}")]
    InvalidData {
        /// Plugin id.
        plugin: String,
        /// The plugin's message.
        message: String,
    },
    /// The plugin reported an internal failure.
    #[error("{plugin}: internal error: {message}")]
    Internal {
        /// Plugin id.
        plugin: String,
        /// The plugin's message.
        message: String,
    },
    /// The plugin's `describe()` returned something unusable.
    #[error("{plugin}: invalid description: {detail}")]
    InvalidDescription {
        /// File or plugin name.
        plugin: String,
        /// What is wrong.
        detail: String,
    },
    /// No installed plugin of that kind has this id.
    #[error("no {kind} plugin with id {id:?}")]
    NotFound {
        /// "widget", "exporter" or "alert rule".
        kind: &'static str,
        /// The id asked for.
        id: String,
    },
    /// Every sandbox slot stayed busy for too long.
    #[error("{plugin}: all {slots} plugin slots are busy, try again")]
    Busy {
        /// Plugin id.
        plugin: String,
        /// The configured concurrency cap.
        slots: u32,
    },
    /// The settings cannot be used (e.g. a zero limit).
    #[error("invalid plugin settings: {0}")]
    Settings(String),
    /// The runtime could not be set up (engine, cache dir, watcher).
    #[error("plugin runtime: {0}")]
    Runtime(String),
}

/// Result alias of this module.
pub type Result<T, E = PluginError> = std::result::Result<T, E>;
