//! How the benches take and print their figures: medians, milliseconds and
//! the two time formats their questions use. Shared by the benches that
//! declare `mod figures;`; each uses some of it.

#![allow(dead_code, reason = "each bench uses part of this module")]

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The median of `samples`.
pub(crate) fn p50(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// `d` in milliseconds.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `t` as the API's RFC 3339 (`from=`/`to=`).
pub(crate) fn rfc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `t` as the demo database stores it (SQL literals).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}
