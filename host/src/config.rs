//! `wasmdash.toml`: read once at start, validated into typed structs.
//!
//! Every key may be overridden by an environment variable named after its
//! path, upper-case, with `__` between the parts:
//!
//! - `WASMDASH_SERVER__LISTEN`, `WASMDASH_SERVER__DATA_DIR`,
//!   `WASMDASH_SERVER__TIMEZONE`, `WASMDASH_SERVER__LOCALE`,
//!   `WASMDASH_SERVER__API_WITHOUT_AUTH`, `WASMDASH_SERVER__METRICS_LISTEN`;
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

use crate::plugins::PluginSettings;

mod filter;
mod validate;

pub use filter::parse_filter;

pub use wasmdash_data::config::{
    Aggregate, ColumnConfig, DataConfig, DatasetConfig, Filter, FilterOp, Literal, MetricConfig,
    RollupConfig, SourceConfig, SourceLocation, check_filter as validate_filter, is_identifier,
};

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
    /// `[[rollup]]` tables.
    #[serde(default, rename = "rollup")]
    pub rollups: Vec<RollupConfig>,
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
    /// A second address serving only `GET /metrics` (Prometheus text)
    /// without authentication, for a scraper on a private network; the
    /// main address serves `/metrics` to admin tokens only.
    pub metrics_listen: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            timezone: Tz::UTC,
            locale: "en-US".into(),
            secure_cookies: false,
            metrics_listen: None,
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
        let (config, problems) = Self::parse_all(text, file, env)?;
        match problems.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(config),
        }
    }

    /// Read `path` like [`Config::load`], but return every validation
    /// problem instead of the first (for `wasmdash config check`). Only an
    /// unreadable file or a syntax error, after which nothing can be
    /// checked, is an `Err`.
    pub fn load_all(path: &Path) -> Result<(Self, Vec<ConfigError>), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            file: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Self::parse_all(&text, path, std::env::vars())
    }

    /// [`Config::parse`] returning every validation problem.
    pub fn parse_all(
        text: &str,
        file: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(Self, Vec<ConfigError>), ConfigError> {
        let original = text;
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
        let mut problems = validate::problems(&config, &text);
        if text != original {
            // Overrides re-wrote the document: find each table in the file.
            for p in &mut problems {
                if let ConfigError::Invalid { line, key, .. } = p {
                    *line = validate::line_of_key(original, key).unwrap_or(*line);
                }
            }
        }
        Ok((config, problems))
    }

    /// The 1-based line of the first `[[kind]]` table whose `name` is
    /// `name` (`kind` is `source`, `dataset`, `metric` or `rollup`), 0 when unknown.
    pub fn line_of(&self, kind: &str, name: &str) -> usize {
        let Ok(text) = std::fs::read_to_string(&self.file) else {
            return 0;
        };
        validate::line_of_table(&text, kind, name)
    }

    /// The folder relative paths resolve against.
    pub fn base_dir(&self) -> PathBuf {
        base_dir(&self.file).to_path_buf()
    }

    /// `[server] data_dir` resolved against the config file's folder.
    pub fn data_dir(&self) -> PathBuf {
        self.base_dir().join(&self.server.data_dir)
    }

    /// The SQLite file holding the `[[rollup]]` tables' buckets:
    /// `<data_dir>/rollups.sqlite`.
    pub fn rollup_file(&self) -> PathBuf {
        self.data_dir().join(wasmdash_data::ROLLUP_FILE)
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
        DataConfig::from(self).source(name)
    }

    /// Where a source's database is.
    pub fn source_location(&self, source: &SourceConfig) -> SourceLocation {
        DataConfig::from(self).source_location(source)
    }

    /// The part of the configuration the data engine reads.
    pub fn data(&self) -> DataConfig<'_> {
        DataConfig::from(self)
    }
}

impl<'a> From<&'a Config> for DataConfig<'a> {
    /// The part of the configuration the data engine reads.
    fn from(config: &'a Config) -> Self {
        DataConfig {
            sources: &config.sources,
            datasets: &config.datasets,
            metrics: &config.metrics,
            rollups: &config.rollups,
            timezone: config.server.timezone,
            base_dir: base_dir(&config.file),
        }
    }
}

/// The folder of `file`, or `.` for a bare file name.
fn base_dir(file: &Path) -> &Path {
    file.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

#[cfg(test)]
mod tests;
