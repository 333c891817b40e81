//! The per-store state a plugin runs with: a WASI context granting nothing,
//! memory limits that remember when they refused a grow (so a guest abort can
//! be reported as out-of-memory), and a bounded log of the guest's stderr.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::display::Display;
use super::guest_log::GuestLog;

/// Bytes of guest stdout/stderr kept per call (the tail; older bytes drop).
const LOG_TAIL_BYTES: usize = 8 * 1024;

/// A write-only pipe that keeps the last [`LOG_TAIL_BYTES`] written and
/// never fails a write: a chatty plugin must not crash because its log is
/// full (Rust's `eprintln!` panics when a write fails).
#[derive(Debug, Clone, Default)]
pub(crate) struct LogPipe {
    tail: Arc<Mutex<VecDeque<u8>>>,
}

impl LogPipe {
    /// What was written, lossily decoded, newest last.
    pub(crate) fn contents(&self) -> String {
        let tail = self.tail.lock().unwrap_or_else(PoisonError::into_inner);
        let (a, b) = tail.as_slices();
        let mut bytes = Vec::with_capacity(a.len() + b.len());
        bytes.extend_from_slice(a);
        bytes.extend_from_slice(b);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Forget what was written (after it was logged).
    pub(crate) fn clear(&self) {
        self.tail
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn push(&self, buf: &[u8]) {
        let mut tail = self.tail.lock().unwrap_or_else(PoisonError::into_inner);
        let keep = buf.len().min(LOG_TAIL_BYTES);
        tail.extend(&buf[buf.len() - keep..]);
        let excess = tail.len().saturating_sub(LOG_TAIL_BYTES);
        tail.drain(..excess);
    }
}

impl IsTerminal for LogPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for LogPipe {
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl tokio::io::AsyncWrite for LogPipe {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Memory limits that note whether a grow was refused.
struct Limiter {
    inner: StoreLimits,
    refused_grow: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let ok = self.inner.memory_growing(current, desired, maximum)?;
        self.refused_grow |= !ok;
        Ok(ok)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.inner.table_growing(current, desired, maximum)
    }

    fn instances(&self) -> usize {
        self.inner.instances()
    }

    fn tables(&self) -> usize {
        self.inner.tables()
    }

    fn memories(&self) -> usize {
        self.inner.memories()
    }
}

/// What a plugin's `Store` holds.
pub(crate) struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
    /// Guest stdout and stderr, interleaved.
    pub(crate) log: LogPipe,
    /// Lines the plugin writes through the `log` import.
    pub(crate) guest_log: GuestLog,
    /// What the `display` import answers during the current call.
    pub(crate) display: Display,
    /// When the current call must stop; checked on every epoch tick.
    pub(crate) deadline: Instant,
    /// The current call's budget, for the timeout message.
    pub(crate) budget: Duration,
}

/// Limits of one store, from the settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SandboxLimits {
    pub(crate) memory_bytes: usize,
}

/// Core instances, tables and memories one plugin store may create. A Rust
/// wasip2 component needs a handful of each (module, adapter, shims).
pub(crate) const MAX_INSTANCES: usize = 16;
pub(crate) const MAX_TABLES: usize = 8;
pub(crate) const MAX_MEMORIES: usize = 2;

impl HostState {
    /// A fresh state for `plugin`: WASI with no preopens, env, args,
    /// network or sockets; output captured to the bounded log.
    pub(crate) fn new(limits: SandboxLimits, plugin: &str) -> Self {
        let log = LogPipe::default();
        let wasi = WasiCtxBuilder::new()
            .stdout(log.clone())
            .stderr(log.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let inner = StoreLimitsBuilder::new()
            .memory_size(limits.memory_bytes)
            .instances(MAX_INSTANCES)
            .tables(MAX_TABLES)
            .memories(MAX_MEMORIES)
            .build();
        Self {
            wasi,
            table: ResourceTable::new(),
            limiter: Limiter {
                inner,
                refused_grow: false,
            },
            log,
            guest_log: GuestLog::new(plugin),
            display: Display::default(),
            deadline: Instant::now(),
            budget: Duration::ZERO,
        }
    }

    /// The limiter, for `Store::limiter`.
    pub(crate) fn limiter(&mut self) -> &mut dyn ResourceLimiter {
        &mut self.limiter
    }

    /// True once a memory grow was refused in this store.
    pub(crate) fn refused_grow(&self) -> bool {
        self.limiter.refused_grow
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_pipe_keeps_only_the_tail() {
        let pipe = LogPipe::default();
        pipe.push(&vec![b'a'; LOG_TAIL_BYTES]);
        pipe.push(b"the end");
        let text = pipe.contents();
        assert_eq!(text.len(), LOG_TAIL_BYTES);
        assert!(text.ends_with("the end"));
    }
}
