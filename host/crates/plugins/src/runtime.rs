//! The engine every plugin runs on, and the guard around every call.
//!
//! - One `Engine` with the pooling allocator, sized from
//!   `max_concurrency`; a semaphore with as many permits queues callers
//!   instead of failing when every slot is busy.
//! - Epoch interruption driven by a plain `std::thread` ticker (a tokio task
//!   could itself be starved by a spinning guest). On each tick the guest
//!   yields to the executor, so a busy plugin cannot hog a worker thread, and
//!   past its deadline it traps.
//! - Each call also runs under `tokio::time::timeout`, because epochs do not
//!   interrupt a guest blocked in a host call (e.g. sleeping through WASI).
//! - WASI p2 is linked, but the context grants nothing (see `sandbox`);
//!   so are the plugin `log`, `display` and `buckets` imports (see
//!   `guest_log`, `display`).

use std::path::Path;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, Trap,
    UpdateDeadline,
};

use super::PluginSettings;
use super::bindings;
use super::cache::CompiledCache;
use super::error::{MAX_PLUGIN_TEXT_BYTES, PluginError, Result, excerpt};
use super::observe::{BusySlot, SLOTS_TOTAL};
use super::sandbox::{self, HostState, SandboxLimits};

/// Set this environment variable (to anything) to have plugin code named in
/// `perf` profiles: wasmtime writes `/tmp/perf-<pid>.map`.
pub const PERFMAP_ENV: &str = "WASMDASH_PERFMAP";

/// How often the epoch advances. A deadline is honoured to within one tick.
const TICK: Duration = Duration::from_millis(5);
/// Largest stack a guest may use before it traps with a stack overflow.
const MAX_WASM_STACK: usize = 512 * 1024;
/// Fiber stack of an async call; must exceed `MAX_WASM_STACK` plus host frames.
const ASYNC_STACK: usize = 2 * 1024 * 1024;
/// Largest accepted memory limit, MiB (32-bit linear memories).
const MAX_MEMORY_LIMIT_MIB: u64 = 4096;
/// Linear memory kept resident per pool slot between calls.
const KEEP_RESIDENT_BYTES: usize = 4 << 20;
/// Table memory kept resident per pool slot between calls.
const KEEP_RESIDENT_TABLE_BYTES: usize = 64 << 10;

/// The call ran into the wall-clock backstop.
#[derive(Debug)]
struct TimedOut;

/// What a guarded call produced.
type Outcome<R> = std::result::Result<wasmtime::Result<R>, TimedOut>;

/// Which wall-clock budget a guest call runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Budget {
    /// `timeout_ms`: describe, render, evaluate.
    Call,
    /// `export_timeout_ms`: each exporter session call.
    Export,
}

/// A sandbox slot held and a fresh store: what one call, or one export
/// session, runs in. Dropping it frees the slot.
pub(crate) struct Sandbox {
    /// The store the guest instance lives in.
    pub(crate) store: Store<HostState>,
    _slot: BusySlot,
    /// Export sessions also hold a permit of the exports' share.
    _share: Option<OwnedSemaphorePermit>,
}

/// The shared wasmtime engine, linker, compiled cache and limits.
pub struct PluginRuntime {
    engine: Engine,
    linker: Linker<HostState>,
    cache: CompiledCache,
    limits: SandboxLimits,
    timeout: Duration,
    export_timeout: Duration,
    max_output_bytes: u64,
    memory_limit_mib: u64,
    max_concurrency: u32,
    slots: Arc<Semaphore>,
    /// Permits of the exports' share of the slots (see
    /// [`PluginRuntime::session_sandbox`]).
    export_sessions: Arc<Semaphore>,
    /// The ticker thread stops once this is dropped.
    _ticker_alive: Arc<()>,
}

/// Slots export sessions may hold together: half, at least one.
fn export_share(slots: u32) -> usize {
    (slots as usize / 2).max(1)
}

impl std::fmt::Debug for PluginRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginRuntime")
            .field("timeout", &self.timeout)
            .field("memory_limit_mib", &self.memory_limit_mib)
            .field("max_output_bytes", &self.max_output_bytes)
            .field("max_concurrency", &self.max_concurrency)
            .finish_non_exhaustive()
    }
}

impl PluginRuntime {
    /// Build the engine from `settings`, caching compiled plugins in `cache_dir`.
    pub fn new(settings: &PluginSettings, cache_dir: &Path) -> Result<Arc<Self>> {
        validate(settings)?;
        let memory_bytes = usize::try_from(settings.memory_limit_mib << 20)
            .map_err(|_| PluginError::Settings("memory_limit_mib too large".into()))?;
        let n = settings.max_concurrency;
        let mut pool = PoolingAllocationConfig::new();
        pool.total_component_instances(n)
            .total_core_instances(n * sandbox::MAX_INSTANCES as u32)
            .total_memories(n * sandbox::MAX_MEMORIES as u32)
            .total_tables(n * sandbox::MAX_TABLES as u32)
            .total_stacks(n)
            .max_core_instances_per_component(sandbox::MAX_INSTANCES as u32)
            .max_memories_per_component(sandbox::MAX_MEMORIES as u32)
            .max_tables_per_component(sandbox::MAX_TABLES as u32)
            .max_memory_size(memory_bytes)
            // A fresh store per call means a slot is reset after every call.
            // Resetting only the pages the guest dirtied (PAGEMAP_SCAN, Linux
            // 6.7+) with memset keeps them resident, so the next call takes
            // no page faults; elsewhere this falls back to madvise.
            .pagemap_scan(Enabled::Auto)
            .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
            .table_keep_resident(KEEP_RESIDENT_TABLE_BYTES);

        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .shared_memory(false)
            .max_wasm_stack(MAX_WASM_STACK)
            .async_stack_size(ASYNC_STACK)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        if std::env::var_os(PERFMAP_ENV).is_some() {
            // Names plugin code in `perf report` (/tmp/perf-<pid>.map).
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        let engine = Engine::new(&config).map_err(|e| PluginError::Runtime(format!("{e:#}")))?;

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| PluginError::Runtime(format!("{e:#}")))?;
        bindings::guest_log::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s)
            .map_err(|e| PluginError::Runtime(format!("{e:#}")))?;
        bindings::guest_display::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s)
            .map_err(|e| PluginError::Runtime(format!("{e:#}")))?;
        bindings::guest_buckets::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s)
            .map_err(|e| PluginError::Runtime(format!("{e:#}")))?;

        let cache = CompiledCache::new(&engine, cache_dir)?;
        metrics::gauge!(SLOTS_TOTAL).set(f64::from(n));
        let alive = Arc::new(());
        spawn_ticker(engine.clone(), Arc::downgrade(&alive))?;

        Ok(Arc::new(Self {
            engine,
            linker,
            cache,
            limits: SandboxLimits { memory_bytes },
            timeout: Duration::from_millis(settings.timeout_ms),
            export_timeout: Duration::from_millis(settings.export_timeout_ms),
            max_output_bytes: settings.max_output_bytes,
            memory_limit_mib: settings.memory_limit_mib,
            max_concurrency: n,
            slots: Arc::new(Semaphore::new(n as usize)),
            export_sessions: Arc::new(Semaphore::new(export_share(n))),
            _ticker_alive: alive,
        }))
    }

    /// The engine.
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The linker with (capability-free) WASI p2.
    pub(crate) fn linker(&self) -> &Linker<HostState> {
        &self.linker
    }

    /// Largest output of one call, bytes.
    pub(crate) fn max_output_bytes(&self) -> u64 {
        self.max_output_bytes
    }

    /// Compile `wasm` (or load it from the cache) after checking it is a
    /// component at all, so a core module gets a clear message.
    pub(crate) fn compile(&self, wasm: &[u8], name: &str) -> Result<Component> {
        check_header(wasm, name)?;
        self.cache.load_or_compile(&self.engine, wasm, name)
    }

    /// Where the compiled artifact of `wasm` is cached (for tests and benches).
    pub fn cached_artifact_path(&self, wasm: &[u8]) -> std::path::PathBuf {
        self.cache.path_for(wasm)
    }

    /// How long a call waits for a slot before it is refused as busy.
    fn slot_wait(&self) -> Duration {
        (self.timeout * 20).max(Duration::from_secs(2))
    }

    /// A sandbox slot, waiting a while when all are busy.
    async fn slot(&self, plugin: &str) -> Result<BusySlot> {
        match tokio::time::timeout(self.slot_wait(), self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(BusySlot::new(permit)),
            _ => Err(PluginError::Busy {
                plugin: plugin.to_owned(),
                slots: self.max_concurrency,
            }),
        }
    }

    /// A fresh store for `plugin` with the sandbox limits and the epoch
    /// policy.
    fn new_store(&self, plugin: &str) -> Store<HostState> {
        let mut store = Store::new(&self.engine, HostState::new(self.limits, plugin));
        store.limiter(|state| state.limiter());
        store.epoch_deadline_callback(|ctx| {
            if Instant::now() >= ctx.data().deadline {
                Ok(UpdateDeadline::Interrupt)
            } else {
                // Give the executor a turn each tick, then keep going.
                Ok(UpdateDeadline::Yield(1))
            }
        });
        store.set_epoch_deadline(1);
        store
    }

    /// A sandbox slot and a fresh store, for one call or one export
    /// session.
    pub(crate) async fn sandbox(&self, plugin: &str) -> Result<Sandbox> {
        let slot = self.slot(plugin).await?;
        Ok(Sandbox {
            store: self.new_store(plugin),
            _slot: slot,
            _share: None,
        })
    }

    /// A sandbox for an export session, within the exports' share: a
    /// session holds its slot for a whole download, so sessions together
    /// may hold at most half the slots and widgets and rules always find
    /// the other half.
    pub(crate) async fn session_sandbox(&self, plugin: &str) -> Result<Sandbox> {
        let share = self.export_sessions.clone().acquire_owned();
        let share = match tokio::time::timeout(self.slot_wait(), share).await {
            Ok(Ok(permit)) => permit,
            _ => {
                return Err(PluginError::Busy {
                    plugin: plugin.to_owned(),
                    slots: export_share(self.max_concurrency) as u32,
                });
            }
        };
        Ok(Sandbox {
            _share: Some(share),
            ..self.sandbox(plugin).await?
        })
    }

    /// The one way into a guest: arm `budget`'s epoch deadline on `store`,
    /// run `call` under it with a backstop timeout (spinning guests trap
    /// on the epoch first; guests blocked in a host call are cut by the
    /// backstop), then settle the outcome into a typed error naming
    /// `plugin`. Guest output is moved to the operator's log.
    pub(crate) async fn call<R>(
        &self,
        plugin: &str,
        store: &mut Store<HostState>,
        budget: Budget,
        call: impl AsyncFnOnce(&mut Store<HostState>) -> wasmtime::Result<R>,
    ) -> Result<R> {
        let budget = match budget {
            Budget::Call => self.timeout,
            // An export encodes thousands of rows per call and a PDF lays
            // out every page in `finish`: its own, longer budget.
            Budget::Export => self.export_timeout,
        };
        arm_for(store, budget);
        let outcome = tokio::time::timeout(budget + 2 * TICK, call(store))
            .await
            .map_err(|_| TimedOut);
        self.settle(plugin, store, outcome)
    }

    /// Turn the outcome of a call into a typed result naming `plugin`.
    fn settle<R>(&self, plugin: &str, store: &Store<HostState>, outcome: Outcome<R>) -> Result<R> {
        let result = match outcome {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err(self.classify(plugin, store, e)),
            Err(TimedOut) => Err(timed_out(plugin, store.data().budget)),
        };
        // Guest output is for the operator's log, never for the page.
        let log = &store.data().log;
        let output = log.contents();
        if !output.is_empty() {
            tracing::debug!(plugin, %output, "plugin wrote to stdout/stderr");
            log.clear();
        }
        result
    }

    /// Map a wasmtime error from a call into a `PluginError`.
    fn classify(
        &self,
        plugin: &str,
        store: &Store<HostState>,
        err: wasmtime::Error,
    ) -> PluginError {
        let trap = err.downcast_ref::<Trap>().copied();
        if trap == Some(Trap::Interrupt) {
            return timed_out(plugin, store.data().budget);
        }
        if trap == Some(Trap::StackOverflow) {
            return PluginError::StackOverflow {
                plugin: plugin.to_owned(),
            };
        }
        if store.data().refused_grow() {
            return PluginError::OutOfMemory {
                plugin: plugin.to_owned(),
                limit_mib: self.memory_limit_mib,
            };
        }
        let detail = match trap {
            Some(t) => t.to_string(),
            None => excerpt(&format!("{err:#}"), MAX_PLUGIN_TEXT_BYTES),
        };
        // What the guest printed (a panic message) is for the operator's
        // log only: pages and exports show just the trap.
        let tail = last_lines(&store.data().log.contents(), 4);
        if !tail.is_empty() {
            tracing::warn!(plugin, stderr = %tail, "plugin crashed");
        }
        PluginError::Trap {
            plugin: plugin.to_owned(),
            detail,
        }
    }
}

fn arm_for(store: &mut Store<HostState>, budget: Duration) {
    let state = store.data_mut();
    state.deadline = Instant::now() + budget;
    state.budget = budget;
    store.set_epoch_deadline(1);
}

fn timed_out(plugin: &str, budget: Duration) -> PluginError {
    PluginError::Timeout {
        plugin: plugin.to_owned(),
        timeout_ms: budget.as_millis() as u64,
    }
}

fn validate(s: &PluginSettings) -> Result<()> {
    let problem = if s.timeout_ms == 0 {
        "timeout_ms must be at least 1"
    } else if s.export_timeout_ms == 0 {
        "export_timeout_ms must be at least 1"
    } else if s.memory_limit_mib == 0 || s.memory_limit_mib > MAX_MEMORY_LIMIT_MIB {
        "memory_limit_mib must be between 1 and 4096"
    } else if s.max_output_bytes == 0 {
        "max_output_bytes must be at least 1"
    } else if s.max_concurrency == 0 || s.max_concurrency > 10_000 {
        "max_concurrency must be between 1 and 10000"
    } else {
        return Ok(());
    };
    Err(PluginError::Settings(problem.into()))
}

/// Refuse anything that is not a component with a message saying what it is.
fn check_header(wasm: &[u8], name: &str) -> Result<()> {
    const MAGIC: &[u8] = b"\0asm";
    let found = if wasm.len() < 8 || &wasm[..4] != MAGIC {
        "not WebAssembly at all"
    } else if wasm[4..8] == [1, 0, 0, 0] {
        "a core WebAssembly module; build for wasm32-wasip2 to get a component"
    } else if wasm[6..8] == [1, 0] {
        return Ok(());
    } else {
        "an unknown WebAssembly encoding"
    };
    Err(PluginError::NotAComponent {
        plugin: name.to_owned(),
        found: found.to_owned(),
    })
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

fn spawn_ticker(engine: Engine, alive: Weak<()>) -> Result<()> {
    std::thread::Builder::new()
        .name("wasmdash-epoch".into())
        .spawn(move || {
            while alive.upgrade().is_some() {
                std::thread::sleep(TICK);
                engine.increment_epoch();
            }
        })
        .map(drop)
        .map_err(|e| PluginError::Runtime(format!("cannot start epoch ticker: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_check_names_what_it_found() {
        let err = check_header(b"hello world", "x").unwrap_err().to_string();
        assert!(err.contains("not WebAssembly"), "{err}");
        let err = check_header(b"\0asm\x01\0\0\0", "x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("core WebAssembly module"), "{err}");
        assert!(check_header(b"\0asm\x0d\0\x01\0", "x").is_ok());
    }

    #[test]
    fn zero_limits_are_refused() {
        let settings = PluginSettings {
            timeout_ms: 0,
            ..PluginSettings::default()
        };
        assert!(matches!(validate(&settings), Err(PluginError::Settings(_))));
    }
}
