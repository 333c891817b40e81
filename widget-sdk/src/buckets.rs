//! Which points of the current series cover only part of their bucket (the
//! `buckets` import, WIT 0.1.3).
//!
//! "Last 30 days" starts in the middle of a day and ends in today, still in
//! progress: its first and last daily buckets hold less than a day each and
//! would read as a cliff. The host knows where buckets begin and end (time
//! zone, DST, month lengths) and names the partial ones by their bucket
//! start; draw them distinctly and say "partial" next to their value (the
//! [`svg`](crate::svg) toolkit's [`svg::Partial`](crate::svg::Partial)
//! does both for line charts).
//!
//! A widget asks from `render` (of [`SeriesData`](crate::SeriesData)), an
//! exporter from `begin_section` of a `line` section. Elsewhere, on a host
//! older than 0.1.3, and natively without
//! [`testing::with_partial_buckets`](crate::testing::with_partial_buckets),
//! no bucket is partial.
//!
//! ```no_run
//! use wasmdash_plugin_sdk::buckets;
//! let partial = buckets::current();
//! let first_is_partial = partial.contains(&1_700_000_000_000);
//! ```

/// What the host answers: the partial buckets of the current series and of
/// the previous period's (at the timestamps it is drawn at).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartialBuckets {
    /// See [`current`].
    pub current: Vec<i64>,
    /// See [`previous`].
    pub previous: Vec<i64>,
}

impl PartialBuckets {
    /// Both lists, asked from the host at once.
    pub fn of_call() -> Self {
        Self {
            current: current(),
            previous: previous(),
        }
    }

    /// Whether no bucket is partial.
    pub fn is_empty(&self) -> bool {
        self.current.is_empty() && self.previous.is_empty()
    }
}

/// Bucket starts of the current series' points whose bucket the range
/// covers only in part (at most the first and the last), ascending.
pub fn current() -> Vec<i64> {
    imp::answer(|p| p.current.clone(), imp::host::partial)
}

/// The same for the previous period's series, at the current series'
/// timestamps (the previous period is drawn bucket by bucket over them).
pub fn previous() -> Vec<i64> {
    imp::answer(|p| p.previous.clone(), imp::host::partial_previous)
}

/// Where the answers come from: a test's override, else the host (wasm) or
/// nothing (native).
pub(crate) mod imp {
    use std::cell::RefCell;

    use super::PartialBuckets;

    thread_local! {
        static OVERRIDE: RefCell<Option<PartialBuckets>> = const { RefCell::new(None) };
    }

    /// Answer with `partial` while `f` runs.
    pub(crate) fn with<R>(partial: PartialBuckets, f: impl FnOnce() -> R) -> R {
        let before = OVERRIDE.with(|c| c.replace(Some(partial)));
        let result = f();
        OVERRIDE.with(|c| c.replace(before));
        result
    }

    pub(super) fn answer<R>(
        test: impl FnOnce(&PartialBuckets) -> R,
        host: impl FnOnce() -> R,
    ) -> R {
        OVERRIDE
            .with(|c| c.borrow().as_ref().map(test))
            .unwrap_or_else(host)
    }

    #[cfg(target_arch = "wasm32")]
    pub(super) use crate::wit::buckets as host;

    /// Native builds have no host: nothing is partial.
    #[cfg(not(target_arch = "wasm32"))]
    pub(super) mod host {
        pub(in super::super) fn partial() -> Vec<i64> {
            Vec::new()
        }
        pub(in super::super) fn partial_previous() -> Vec<i64> {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_set_what_the_host_would_answer() {
        assert!(PartialBuckets::of_call().is_empty());
        let set = PartialBuckets {
            current: vec![0, 86_400_000],
            previous: vec![0],
        };
        imp::with(set.clone(), || assert_eq!(PartialBuckets::of_call(), set));
        assert!(current().is_empty());
    }
}
