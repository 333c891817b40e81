//! The `log` import (WIT 0.1.1): lines a plugin writes on purpose, routed to
//! the host's log under the target [`LOG_TARGET`] and tagged with the
//! plugin's id. A plugin is third-party code, so what it may write is
//! bounded: [`MAX_LOG_MESSAGE_BYTES`] per line, [`MAX_LOG_LINES`] per store
//! (one call, or one export session), control characters escaped so a line
//! cannot forge others.

use super::bindings::guest_log::{Host, Level};
use super::error::excerpt;
use super::sandbox::HostState;

/// The `tracing` target of plugin log lines (`RUST_LOG=plugin=debug`).
pub const LOG_TARGET: &str = "plugin";
/// Most bytes of one plugin log line the host keeps.
pub const MAX_LOG_MESSAGE_BYTES: usize = 1024;
/// Most plugin log lines per call (an export session is one call).
pub const MAX_LOG_LINES: u32 = 64;

/// Per-store state of the `log` import.
#[derive(Debug, Default)]
pub(crate) struct GuestLog {
    /// The plugin's id (or file name while it is being described).
    plugin: String,
    /// Lines accepted so far in this store.
    lines: u32,
    /// Lines dropped past [`MAX_LOG_LINES`].
    dropped: u32,
}

impl GuestLog {
    /// A log for `plugin`.
    pub(crate) fn new(plugin: &str) -> Self {
        Self {
            plugin: plugin.to_owned(),
            ..Self::default()
        }
    }

    /// The line to write for `message`, or `None` when the plugin is over
    /// its quota (the first dropped line says so instead).
    fn accept(&mut self, message: &str) -> Option<String> {
        if self.lines < MAX_LOG_LINES {
            self.lines += 1;
            return Some(escape_controls(&excerpt(message, MAX_LOG_MESSAGE_BYTES)));
        }
        self.dropped += 1;
        (self.dropped == 1).then(|| {
            format!("more than {MAX_LOG_LINES} log lines in one call; the rest are dropped")
        })
    }

    /// Write `message` at `level`, within the bounds.
    fn write(&mut self, level: Level, message: &str) {
        let Some(line) = self.accept(message) else {
            return;
        };
        let plugin = self.plugin.as_str();
        match level {
            Level::Debug => tracing::debug!(target: LOG_TARGET, plugin, "{line}"),
            Level::Info => tracing::info!(target: LOG_TARGET, plugin, "{line}"),
            Level::Warn => tracing::warn!(target: LOG_TARGET, plugin, "{line}"),
            Level::Error => tracing::error!(target: LOG_TARGET, plugin, "{line}"),
        }
    }
}

/// `text` with control characters (newlines, escapes) written as `\u{..}`.
fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl Host for HostState {
    fn log(&mut self, level: Level, message: String) {
        self.guest_log.write(level, &message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_escaped_and_counted() {
        let mut log = GuestLog::new("spammy");
        let long = "x".repeat(10 * MAX_LOG_MESSAGE_BYTES);
        let line = log.accept(&long).unwrap();
        assert!(line.len() <= MAX_LOG_MESSAGE_BYTES + 16, "{}", line.len());
        assert!(line.ends_with("more bytes cut)"), "{line}");
        assert_eq!(
            log.accept("two\nlines\x1b[2J").unwrap(),
            "two\\nlines\\u{1b}[2J"
        );
        for _ in 2..MAX_LOG_LINES {
            assert!(log.accept("ok").is_some());
        }
        let note = log.accept("one too many").unwrap();
        assert!(note.contains("dropped"), "{note}");
        assert_eq!(log.accept("and another"), None);
        assert_eq!(log.dropped, 2);
    }
}
