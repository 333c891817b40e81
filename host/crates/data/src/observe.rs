//! Names of the metrics the data engine records through the `metrics`
//! facade (the host installs the Prometheus recorder; without one the
//! recording is a no-op).

/// SQL statements by source and outcome (`ok`, `timeout`, `error`).
pub const QUERIES: &str = "wasmdash_sql_queries_total";
/// SQL statement durations by source, seconds (a stream: until its first
/// batch).
pub const QUERY_SECONDS: &str = "wasmdash_sql_query_duration_seconds";
/// Lookups answered by the result cache, by cache (`scalar`, `series`,
/// `categories`, `rows`, `spans`); a caller that waited for the same query
/// someone else was running counts as a hit.
pub const CACHE_HITS: &str = "wasmdash_cache_hits_total";
/// Keys that had to be queried, by cache: alone, or claimed by a merged
/// scan (whose readers then count as hits).
pub const CACHE_MISSES: &str = "wasmdash_cache_misses_total";
