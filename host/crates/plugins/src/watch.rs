//! Watching the drop-in folder: any change under it triggers a rescan
//! (debounced, so a file being copied in is loaded once it is complete).

use std::path::Path;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use super::error::{PluginError, Result};
use super::registry::PluginRegistry;

/// Quiet time after the last event before rescanning.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Start watching `dir` for `registry`. The watcher stops when the returned
/// value is dropped; the rescan thread then ends too.
pub(crate) fn start(
    registry: &Arc<PluginRegistry>,
    dir: &Path,
) -> Result<notify::RecommendedWatcher> {
    let (tx, rx) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            let _ = tx.send(());
        }
    })
    .map_err(|e| PluginError::Runtime(format!("cannot watch {}: {e}", dir.display())))?;
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| PluginError::Runtime(format!("cannot watch {}: {e}", dir.display())))?;

    let weak = Arc::downgrade(registry);
    std::thread::Builder::new()
        .name("wasmdash-plugin-watch".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                // Let a burst of events (a copy in progress) settle.
                while rx.recv_timeout(DEBOUNCE).is_ok() {}
                let Some(registry) = weak.upgrade() else {
                    break;
                };
                registry.rescan();
            }
        })
        .map_err(|e| PluginError::Runtime(format!("cannot start plugin watcher: {e}")))?;
    Ok(watcher)
}
