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
    /// The plugin trapped (a Rust panic shows up as this). What it wrote
    /// to stderr goes to the server log only.
    #[error("{plugin}: crashed: {detail}")]
    Trap {
        /// Plugin id.
        plugin: String,
        /// The trap.
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

/// Most bytes of a plugin's own text (an error message, a rule's sentence,
/// a description) the host keeps: enough to say what went wrong, small
/// enough that a page, an export's failure line or an alert's history
/// entry stays small whatever the plugin returns.
pub const MAX_PLUGIN_TEXT_BYTES: usize = 2048;

/// `text` cut to at most `max` bytes (at a character boundary), ending in
/// a note of how much was cut when it was.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let note = format!("… ({} more bytes cut)", text.len());
    let mut end = max.saturating_sub(note.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text.len() - end;
    let mut out = String::with_capacity(max);
    out.push_str(&text[..end]);
    out.push_str(&format!("… ({cut} more bytes cut)"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_and_say_what_was_cut() {
        assert_eq!(excerpt("short", 10), "short");
        let long = "é".repeat(10_000);
        let e = excerpt(&long, MAX_PLUGIN_TEXT_BYTES);
        assert!(e.len() <= MAX_PLUGIN_TEXT_BYTES, "{}", e.len());
        assert!(e.ends_with("more bytes cut)"), "{e}");
        assert!(e.starts_with("éé"));
        assert_eq!(excerpt("abcdef", 3), "… (6 more bytes cut)");
    }
}
