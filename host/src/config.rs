//! `wasmdash.toml`: read once at start, validated into typed structs.
//!
//! Every key may be overridden by an environment variable named after its
//! path, upper-case, with `__` between the parts:
//!
//! - `WASMDASH_SERVER__LISTEN`, `WASMDASH_SERVER__DATA_DIR`,
//!   `WASMDASH_SERVER__TIMEZONE`, `WASMDASH_SERVER__LOCALE`,
//!   `WASMDASH_SERVER__API_WITHOUT_AUTH`;
//! - `WASMDASH_ALERTS__KEY`, `WASMDASH_SMTP__KEY` (e.g.
//!   `WASMDASH_SMTP__PASSWORD`);
//! - `WASMDASH_PLUGINS__DIR`, `WASMDASH_PLUGINS__TIMEOUT_MS`, ...;
//! - `WASMDASH_SOURCE__<NAME>__URL` (and `__POOL_SIZE`,
//!   `__QUERY_TIMEOUT_MS`) where `<NAME>` is the source's name, upper-case,
//!   so passwords can stay out of the file.
//!
//! Overrides are applied to the parsed document before it is deserialized,
//! so they go through the same checks as the file. Errors name the file,
//! line and key (or the variable).

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use crate::frame::{FormatKind, ValueFormat};
use crate::plugins::PluginSettings;

mod validate;

pub(crate) use validate::check_filter as validate_filter;
pub use validate::{SourceLocation, is_identifier};

/// Prefix of every override variable.
pub const ENV_PREFIX: &str = "WASMDASH_";

/// A configuration error: one readable line naming where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{file}: cannot read: {reason}")]
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file is not valid TOML or has a wrong or unknown key.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// 1-based column, 0 when unknown.
        column: usize,
        /// What is wrong, naming the key.
        message: String,
    },
    /// A `WASMDASH_*` variable names no key or holds a bad value.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong.
        message: String,
    },
    /// The values are well-formed but inconsistent.
    #[error("{file}:{line}: {key}: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// 1-based line of the table holding the key, 0 when unknown.
        line: usize,
        /// The key, e.g. `metric "revenue".column`.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[server]`.
    #[serde(default)]
    pub server: ServerConfig,
    /// `[plugins]`.
    #[serde(default)]
    pub plugins: PluginSettings,
    /// `[[source]]` tables.
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
    /// `[[dataset]]` tables.
    #[serde(default, rename = "dataset")]
    pub datasets: Vec<DatasetConfig>,
    /// `[[metric]]` tables.
    #[serde(default, rename = "metric")]
    pub metrics: Vec<MetricConfig>,
    /// `[alerts]`: scheduler, limits, history retention.
    #[serde(default)]
    pub alerts: crate::alerts::AlertSettings,
    /// `[smtp]`: where alert emails are sent from.
    #[serde(default)]
    pub smtp: crate::alerts::SmtpSettings,
    /// The file this was read from (relative paths resolve against its dir).
    #[serde(skip)]
    pub file: PathBuf,
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: String,
    /// Where state (users, dashboards, plugin cache) lives; relative to the
    /// config file's folder.
    pub data_dir: PathBuf,
    /// IANA timezone for day boundaries and buckets, e.g. `Europe/Berlin`.
    #[serde(deserialize_with = "de_timezone")]
    pub timezone: Tz,
    /// Locale for number formatting, e.g. `en-US`.
    pub locale: String,
    /// Mark the session cookie `Secure`: set it when wasmdash is served
    /// over HTTPS (directly or behind a proxy), so the browser never sends
    /// the cookie over plain HTTP.
    pub secure_cookies: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            timezone: Tz::UTC,
            locale: "en-US".into(),
            secure_cookies: false,
        }
    }
}

fn de_timezone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
    let name = String::deserialize(d)?;
    name.parse::<Tz>().map_err(|_| {
        serde::de::Error::custom(format!(
            "unknown IANA timezone `{name}` (e.g. `Europe/Berlin`)"
        ))
    })
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

/// One exposed column of a dataset: a name, or a table with a label and an
/// optional type for columns the database cannot type (SQLite expressions).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ColumnConfig {
    /// Just the name.
    Name(String),
    /// Name, label and optional kind.
    Detailed {
        /// Column name.
        name: String,
        /// Human label.
        #[serde(default)]
        label: Option<String>,
        /// Type when the database cannot tell.
        #[serde(default)]
        kind: Option<crate::frame::ColumnKind>,
    },
}

impl ColumnConfig {
    /// The column name.
    pub fn name(&self) -> &str {
        match self {
            Self::Name(n) | Self::Detailed { name: n, .. } => n,
        }
    }
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
    /// signed-in user.
    #[serde(default)]
    pub allow: Vec<String>,
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
    /// Unit or currency code.
    #[serde(default)]
    pub unit: String,
    /// Decimals to show.
    #[serde(default)]
    pub decimals: Option<u8>,
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

impl Config {
    /// Read `path`, apply `WASMDASH_*` overrides from the process
    /// environment, and validate.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            file: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Self::parse(&text, path, std::env::vars())
    }

    /// Parse `text` as if read from `file`, with the given environment.
    pub fn parse(
        text: &str,
        file: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let text = validate::apply_env(text, file, env)?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| validate::line_col(&text, s.start))
                .unwrap_or((0, 0));
            ConfigError::Syntax {
                file: file.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        config.file = file.to_path_buf();
        validate::check(&config, &text)?;
        Ok(config)
    }

    /// The folder relative paths resolve against.
    pub fn base_dir(&self) -> PathBuf {
        match self.file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// `[server] data_dir` resolved against the config file's folder.
    pub fn data_dir(&self) -> PathBuf {
        self.base_dir().join(&self.server.data_dir)
    }

    /// `[plugins]` with its drop-in folder resolved against the config
    /// file's folder, and the folder for compiled plugins (`cache_dir`,
    /// by default `<data_dir>/plugin-cache`).
    pub fn plugin_settings(&self) -> (PluginSettings, PathBuf) {
        let cache_dir = self
            .plugins
            .cache_dir
            .as_ref()
            .map(|d| self.base_dir().join(d))
            .unwrap_or_else(|| self.data_dir().join("plugin-cache"));
        let mut settings = self.plugins.clone();
        settings.dir = settings.dir.map(|d| self.base_dir().join(d));
        (settings, cache_dir)
    }

    /// A source by name.
    pub fn source(&self, name: &str) -> Option<&SourceConfig> {
        self.sources.iter().find(|s| s.name.get_ref() == name)
    }

    /// Where a source's database is.
    pub fn source_location(&self, source: &SourceConfig) -> SourceLocation {
        // Checked in `validate`, so the fallback never shows.
        SourceLocation::parse(&source.url, &self.base_dir())
            .unwrap_or(SourceLocation::Sqlite(PathBuf::new()))
    }
}

#[cfg(test)]
mod tests;
