//! The data part of `wasmdash.toml`: `[[source]]`, `[[dataset]]` and
//! `[[metric]]` tables as typed values.
//!
//! The host's configuration file holds these tables beside its own; they
//! live here so the data engine needs nothing from the host. The host
//! deserializes them and hands the engine a [`DataConfig`] view.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;
use wasmdash_frame::{FormatKind, ValueFormat};

pub use crate::columns::{ColumnConfig, check_colors, normalized_colors, parse_color};

/// What the data engine reads from the configuration: the declared
/// sources, datasets and metrics, the timezone of day boundaries, and the
/// folder relative SQLite paths resolve against.
#[derive(Debug, Clone, Copy)]
pub struct DataConfig<'a> {
    /// `[[source]]` tables.
    pub sources: &'a [SourceConfig],
    /// `[[dataset]]` tables.
    pub datasets: &'a [DatasetConfig],
    /// `[[metric]]` tables.
    pub metrics: &'a [MetricConfig],
    /// `[[rollup]]` tables.
    pub rollups: &'a [RollupConfig],
    /// IANA timezone for day boundaries and buckets.
    pub timezone: Tz,
    /// The folder relative paths resolve against.
    pub base_dir: &'a Path,
}

impl<'a> DataConfig<'a> {
    /// A source by name.
    pub fn source(&self, name: &str) -> Option<&'a SourceConfig> {
        self.sources.iter().find(|s| s.name.get_ref() == name)
    }

    /// Where a source's database is.
    pub fn source_location(&self, source: &SourceConfig) -> SourceLocation {
        // Checked when the configuration was loaded, so the fallback never
        // shows.
        SourceLocation::parse(&source.url, self.base_dir)
            .unwrap_or(SourceLocation::Sqlite(PathBuf::new()))
    }
}

/// `[[source]]`: a database the datasets read from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Unique name datasets refer to.
    pub name: Spanned<String>,
    /// `sqlite://path` (relative to the config file) or `postgres://...`.
    pub url: String,
    /// Connections kept open.
    #[serde(default = "default_pool_size")]
    pub pool_size: u32,
    /// Per-query limit, milliseconds.
    #[serde(default = "default_query_timeout_ms")]
    pub query_timeout_ms: u64,
    /// Limit of one streamed export query, milliseconds.
    #[serde(default = "default_stream_timeout_ms")]
    pub stream_timeout_ms: u64,
    /// How long a query waits for a free connection before it is refused
    /// as busy (503 with `Retry-After`), milliseconds; exports, reports and
    /// alert passes wait four times as long.
    #[serde(default = "default_queue_timeout_ms")]
    pub queue_timeout_ms: u64,
    /// A streamed export whose reader takes nothing for this long is
    /// stopped and its connection given back, milliseconds.
    #[serde(default = "default_stream_idle_timeout_ms")]
    pub stream_idle_timeout_ms: u64,
}

fn default_pool_size() -> u32 {
    4
}
fn default_query_timeout_ms() -> u64 {
    10_000
}
fn default_stream_timeout_ms() -> u64 {
    600_000
}
fn default_queue_timeout_ms() -> u64 {
    5_000
}
fn default_stream_idle_timeout_ms() -> u64 {
    30_000
}

/// `[[dataset]]`: a table, view or admin-written `SELECT` in a source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetConfig {
    /// Unique name (letters, digits, `_`, `-`).
    pub name: Spanned<String>,
    /// Human label; defaults to the name.
    #[serde(default)]
    pub label: Option<String>,
    /// The source's name.
    pub source: String,
    /// Table or view, optionally `schema.table`.
    #[serde(default)]
    pub table: Option<String>,
    /// A read-only `SELECT` (or `WITH`) written by the admin.
    #[serde(default)]
    pub query: Option<String>,
    /// The column time ranges filter on.
    pub time_column: String,
    /// Columns users may see, filter and group by; empty = all columns.
    #[serde(default)]
    pub columns: Vec<ColumnConfig>,
    /// How long pages of rows stay cached, seconds (0 = never cached).
    #[serde(default = "default_cache_ttl")]
    pub cache_ttl_secs: u64,
    /// Who may read this dataset and its metrics: `role:viewer|editor|admin`
    /// (that role or higher) and `user:NAME` entries; empty = every
    /// signed-in user. Checked by the host, which knows users.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// Which direction of a metric is good news.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Good {
    /// Higher is better (orders, revenue).
    #[default]
    Up,
    /// Lower is better (error rate, completion time).
    Down,
}

/// How a metric aggregates rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Rows (or non-null values of `column`).
    Count,
    /// Distinct non-null values of `column`.
    CountDistinct,
    /// Sum of `column`.
    Sum,
    /// Mean of `column`.
    Avg,
    /// Smallest value of `column`.
    Min,
    /// Largest value of `column`.
    Max,
    /// Share of rows matching `ratio_filter` (0..1), e.g. an error rate.
    Ratio,
}

impl Aggregate {
    /// Counts fill empty buckets with 0; other aggregates with null.
    pub fn is_count(self) -> bool {
        matches!(self, Self::Count | Self::CountDistinct)
    }
}

/// A comparison in a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum FilterOp {
    /// `=`
    #[serde(rename = "=")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `in` a list.
    #[serde(rename = "in")]
    In,
    /// `is null`
    #[serde(rename = "is null")]
    IsNull,
    /// `is not null`
    #[serde(rename = "is not null")]
    IsNotNull,
}

/// A literal in a filter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Literal {
    /// `true`/`false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text (also dates and timestamps for time columns).
    Text(String),
    /// For `in`.
    List(Vec<Literal>),
}

/// `{ column = "status", op = "=", value = "error" }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// The column compared.
    pub column: String,
    /// The comparison.
    pub op: FilterOp,
    /// The value; a list for `in`, absent for `is null`/`is not null`.
    #[serde(default)]
    pub value: Option<Literal>,
}

/// `[[metric]]`: a named aggregate over a dataset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricConfig {
    /// Unique name (letters, digits, `_`, `-`); used in URLs.
    pub name: Spanned<String>,
    /// Human label; defaults to the name.
    #[serde(default)]
    pub label: Option<String>,
    /// The dataset's name.
    pub dataset: String,
    /// How rows are aggregated.
    pub aggregate: Aggregate,
    /// The aggregated column (not needed for `count` and `ratio`).
    #[serde(default)]
    pub column: Option<String>,
    /// Rows counted at all.
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// For `ratio`: the rows in the numerator.
    #[serde(default)]
    pub ratio_filter: Vec<Filter>,
    /// Columns users may group by.
    #[serde(default)]
    pub dimensions: Vec<String>,
    /// Display kind.
    #[serde(default)]
    pub format: FormatKind,
    /// Which way is good: `up` (more is better, the default) or `down`
    /// (an error rate, a completion time). Cards colour their trend by it.
    #[serde(default)]
    pub good: Good,
    /// Unit or currency code.
    #[serde(default)]
    pub unit: String,
    /// Decimals to show.
    #[serde(default)]
    pub decimals: Option<u8>,
    /// Colours of this metric's categories, value → `#rrggbb`; they win
    /// over the colours of the dimension's column.
    #[serde(default)]
    pub colors: std::collections::BTreeMap<String, String>,
    /// How long results stay cached, seconds.
    #[serde(default = "default_cache_ttl")]
    pub cache_ttl_secs: u64,
}

fn default_cache_ttl() -> u64 {
    60
}

impl MetricConfig {
    /// Label shown to people.
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(self.name.get_ref())
    }

    /// The display format for frames.
    pub fn value_format(&self) -> ValueFormat {
        ValueFormat {
            kind: self.format,
            unit: self.unit.clone(),
            decimals: self.decimals,
        }
    }
}

/// `[[rollup]]`: pre-aggregated buckets of a dataset, kept by wasmdash in
/// an SQLite file under the data directory and used to answer metrics
/// whose grain, filters and time zone allow (see `DataEngine`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollupConfig {
    /// Unique name (letters, digits, `_`, `-`); used by `wasmdash rollups`.
    pub name: Spanned<String>,
    /// The dataset it aggregates.
    pub dataset: String,
    /// Bucket width: `1m`, `5m`, `15m`, `1h`, `1d`, ... (a whole number of
    /// minutes that divides a day).
    pub grain: String,
    /// Columns kept as they are (metrics filtering on them can use the
    /// rollup): text, integer or boolean columns.
    #[serde(default)]
    pub dimensions: Vec<String>,
    /// Numeric columns whose sum and count of values are kept (for `sum`,
    /// `avg` and `count` of a column).
    #[serde(default)]
    pub sum: Vec<String>,
    /// Numeric columns whose minimum is kept.
    #[serde(default)]
    pub min: Vec<String>,
    /// Numeric columns whose maximum is kept.
    #[serde(default)]
    pub max: Vec<String>,
    /// How far back each refresh re-reads, for rows that arrive late:
    /// `2h`, `1d`, ...
    #[serde(default = "default_lookback")]
    pub lookback: String,
    /// How often new rows are folded in: `1m`, `5m`, ...
    #[serde(default = "default_refresh")]
    pub refresh: String,
}

fn default_lookback() -> String {
    "1h".into()
}
fn default_refresh() -> String {
    "1m".into()
}

/// A span such as `90s`, `15m`, `2h` or `1d`, in seconds.
pub fn parse_span(s: &str) -> Result<i64, String> {
    let bad = || format!("`{s}` is not a span; use e.g. 15m, 1h or 1d");
    let s = s.trim();
    let unit = match s.chars().last() {
        Some('s') => 1,
        Some('m') => 60,
        Some('h') => 3_600,
        Some('d') => 86_400,
        _ => return Err(bad()),
    };
    let n: i64 = s[..s.len() - 1].parse().map_err(|_| bad())?;
    if !(1..=100_000).contains(&n) {
        return Err(bad());
    }
    Ok(n * unit)
}

impl RollupConfig {
    /// The grain in seconds, checked: whole minutes dividing a day.
    pub fn grain_secs(&self) -> Result<i64, String> {
        let g = parse_span(&self.grain)?;
        if g % 60 != 0 || 86_400 % g != 0 {
            return Err(format!(
                "`{}`: the grain must be a whole number of minutes that divides a day (1m, 5m, 15m, 1h, 6h, 1d, ...)",
                self.grain
            ));
        }
        Ok(g)
    }

    /// Check what needs no database, naming the key at fault.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        self.grain_secs().map_err(|m| ("grain", m))?;
        let lookback = parse_span(&self.lookback).map_err(|m| ("lookback", m))?;
        if lookback > 366 * 86_400 {
            return Err(("lookback", "must be at most 366d".into()));
        }
        let refresh = parse_span(&self.refresh).map_err(|m| ("refresh", m))?;
        if refresh < 5 {
            return Err(("refresh", "must be at least 5s".into()));
        }
        for (key, cols) in [
            ("dimensions", &self.dimensions),
            ("sum", &self.sum),
            ("min", &self.min),
            ("max", &self.max),
        ] {
            let mut seen = std::collections::HashSet::new();
            for c in cols {
                if !is_identifier(c) {
                    return Err((key, format!("`{c}`: {IDENT_RULE}")));
                }
                if !seen.insert(c) {
                    return Err((key, format!("`{c}` is listed twice")));
                }
            }
        }
        if self.dimensions.len() > 16 {
            return Err(("dimensions", "at most 16 dimensions".into()));
        }
        Ok(())
    }
}

/// Where a source's database is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceLocation {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string.
    Postgres(String),
    /// A MariaDB or MySQL URL (`mariadb://` is read as `mysql://`).
    Mysql(String),
}

impl SourceLocation {
    /// Parse a source URL; relative SQLite paths resolve against `base`.
    pub fn parse(url: &str, base: &Path) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("`sqlite://` needs a file path".into());
            }
            return Ok(Self::Sqlite(base.join(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        if url.starts_with("mysql://") {
            return Ok(Self::Mysql(url.to_string()));
        }
        if let Some(rest) = url.strip_prefix("mariadb://") {
            return Ok(Self::Mysql(format!("mysql://{rest}")));
        }
        Err("must start with `sqlite://`, `postgres://`, `mariadb://` or `mysql://`".into())
    }
}

/// True for names safe in every dialect: ASCII letters, digits and `_`,
/// not starting with a digit, at most 63 bytes. Identifiers are quoted as
/// well; this rule keeps them portable and readable in errors.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 63
}

const IDENT_RULE: &str =
    "use an identifier of ASCII letters, digits and `_` (not starting with a digit)";

/// A filter's value must fit its operator.
pub fn check_filter(f: &Filter) -> Result<(), String> {
    if !is_identifier(&f.column) {
        return Err(format!("column `{}`: {IDENT_RULE}", f.column));
    }
    match (f.op, &f.value) {
        (FilterOp::IsNull | FilterOp::IsNotNull, None) => Ok(()),
        (FilterOp::IsNull | FilterOp::IsNotNull, Some(_)) => {
            Err(format!("`{}`: `is null` takes no value", f.column))
        }
        (FilterOp::In, Some(Literal::List(items)))
            if !items.is_empty() && !items.iter().any(|i| matches!(i, Literal::List(_))) =>
        {
            Ok(())
        }
        (FilterOp::In, _) => Err(format!("`{}`: `in` needs a non-empty list", f.column)),
        (_, Some(Literal::List(_)) | None) => {
            Err(format!("`{}`: this comparison needs one value", f.column))
        }
        _ => Ok(()),
    }
}
