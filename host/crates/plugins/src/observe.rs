//! Metrics of plugin calls, recorded through the `metrics` facade (the
//! host installs the Prometheus recorder; without one these are no-ops).
//!
//! Every call a caller makes counts once, with the outcome of its final
//! result: a render whose output is over the cap is one `output-cap`, not
//! also an `ok`. Loading a plugin (its `describe()`) is not a call.

use std::time::Instant;

use super::error::PluginError;

/// Calls by plugin and outcome.
pub const CALLS: &str = "wasmdash_plugin_calls_total";
/// Call durations by plugin, seconds.
pub const CALL_SECONDS: &str = "wasmdash_plugin_call_duration_seconds";
/// Sandbox slots in use now.
pub const SLOTS_BUSY: &str = "wasmdash_plugin_slots_busy";
/// Sandbox slots in all (`max_concurrency`).
pub const SLOTS_TOTAL: &str = "wasmdash_plugin_slots";

/// The outcome label of a call's result.
pub fn outcome<T>(result: &Result<T, PluginError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(PluginError::Timeout { .. }) => "timeout",
        Err(PluginError::OutOfMemory { .. }) => "out-of-memory",
        Err(PluginError::OutputTooLarge { .. }) => "output-cap",
        Err(_) => "error",
    }
}

/// Record one finished call of `plugin` that started at `started`.
pub(crate) fn record<T>(plugin: &str, started: Instant, result: &Result<T, PluginError>) {
    metrics::counter!(CALLS, "plugin" => plugin.to_owned(), "outcome" => outcome(result))
        .increment(1);
    metrics::histogram!(CALL_SECONDS, "plugin" => plugin.to_owned())
        .record(started.elapsed().as_secs_f64());
}

/// A held sandbox slot; counted busy until dropped.
#[derive(Debug)]
pub(crate) struct BusySlot {
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl BusySlot {
    pub(crate) fn new(permit: tokio::sync::OwnedSemaphorePermit) -> Self {
        metrics::gauge!(SLOTS_BUSY).increment(1.0);
        Self { _permit: permit }
    }
}

impl Drop for BusySlot {
    fn drop(&mut self) {
        metrics::gauge!(SLOTS_BUSY).decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_name_the_limit_that_stopped_the_call() {
        let p = || "p".to_owned();
        assert_eq!(outcome(&Ok::<(), PluginError>(())), "ok");
        let timeout = PluginError::Timeout {
            plugin: p(),
            timeout_ms: 1,
        };
        assert_eq!(outcome::<()>(&Err(timeout)), "timeout");
        let oom = PluginError::OutOfMemory {
            plugin: p(),
            limit_mib: 1,
        };
        assert_eq!(outcome::<()>(&Err(oom)), "out-of-memory");
        let cap = PluginError::OutputTooLarge {
            plugin: p(),
            size: 2,
            limit: 1,
        };
        assert_eq!(outcome::<()>(&Err(cap)), "output-cap");
        assert_eq!(
            outcome::<()>(&Err(PluginError::StackOverflow { plugin: p() })),
            "error"
        );
    }
}
