//! Write lines to the host's log, tagged with your plugin's id.
//!
//! The host keeps the first 1 KiB of a line and the first 64 lines of a
//! call (an export session counts as one call), and never shows them to
//! dashboard viewers: this is for the operator and for you while you
//! develop (`wasmdash plugins preview` prints them). Needs a host that
//! speaks WIT 0.1.1 or later.
//!
//! In native unit tests (`cargo test`) the lines go to stderr instead.
//!
//! ```no_run
//! wasmdash_plugin_sdk::log::info("rendering 42 points");
//! ```

use crate::wit::log::Level;

/// Detail for debugging a plugin.
pub fn debug(message: &str) {
    write(Level::Debug, message);
}

/// Something worth knowing.
pub fn info(message: &str) {
    write(Level::Info, message);
}

/// Something looks wrong but the call goes on.
pub fn warn(message: &str) {
    write(Level::Warn, message);
}

/// Something failed.
pub fn error(message: &str) {
    write(Level::Error, message);
}

#[cfg(target_arch = "wasm32")]
fn write(level: Level, message: &str) {
    crate::wit::log::log(level, message);
}

#[cfg(not(target_arch = "wasm32"))]
fn write(level: Level, message: &str) {
    eprintln!("[{level:?}] {message}");
}
