//! Query-string parameters, checked strictly: unknown or repeated keys are
//! refused so a typo is an error, not a silent default. Used by `/api/v1`
//! and by the download links of the pages.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;

use super::error::HttpError;
use crate::config::{Filter, parse_filter};
use crate::data::RangeSpec;

/// Parsed query parameters.
#[derive(Debug)]
pub struct Params(Vec<(String, String)>);

/// Keys that may repeat.
const REPEATABLE: &[&str] = &["filter"];

impl Params {
    /// Check the keys against `allowed`.
    pub fn new(
        query: Result<Query<Vec<(String, String)>>, QueryRejection>,
        allowed: &[&str],
    ) -> Result<Self, HttpError> {
        let Query(pairs) =
            query.map_err(|e| HttpError::bad_request(format!("bad query string: {e}")))?;
        for (i, (k, _)) in pairs.iter().enumerate() {
            if !allowed.contains(&k.as_str()) {
                return Err(HttpError::bad_request(format!(
                    "unknown parameter `{}`; allowed: {}",
                    short(k),
                    allowed.join(", ")
                )));
            }
            if !REPEATABLE.contains(&k.as_str()) && pairs[..i].iter().any(|(p, _)| p == k) {
                return Err(HttpError::bad_request(format!(
                    "parameter `{k}` given twice"
                )));
            }
        }
        Ok(Self(pairs))
    }

    /// The value of `key`, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `range=30d`, or `from=...&to=...`; [`RangeSpec::DEFAULT`] when none
    /// is given.
    pub fn range(&self) -> Result<RangeSpec, HttpError> {
        match (self.get("range"), self.get("from"), self.get("to")) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(HttpError::bad_request(
                "give either `range` or `from` and `to`, not both",
            )),
            (Some(r), None, None) => Ok(r.parse()?),
            (None, Some(from), Some(to)) => Ok(RangeSpec::absolute(from, to)?),
            (None, Some(_), None) | (None, None, Some(_)) => {
                Err(HttpError::bad_request("`from` and `to` go together"))
            }
            (None, None, None) => Ok(RangeSpec::DEFAULT),
        }
    }

    /// An optional range (rows need none).
    pub fn optional_range(&self) -> Result<Option<RangeSpec>, HttpError> {
        if ["range", "from", "to"]
            .iter()
            .any(|k| self.get(k).is_some())
        {
            self.range().map(Some)
        } else {
            Ok(None)
        }
    }

    /// `key` as `true`/`1` or `false`/`0`; absent is false.
    pub fn bool(&self, key: &str) -> Result<bool, HttpError> {
        match self.get(key) {
            None | Some("false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(v) => Err(HttpError::bad_request(format!(
                "`{key}` must be true or false, not `{}`",
                short(v)
            ))),
        }
    }

    /// `key` as a number, if given.
    pub fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, HttpError> {
        self.get(key)
            .map(|v| {
                v.parse().map_err(|_| {
                    HttpError::bad_request(format!(
                        "`{key}` must be a whole number, not `{}`",
                        short(v)
                    ))
                })
            })
            .transpose()
    }

    /// Every `filter=column:op[:value]`.
    pub fn filters(&self) -> Result<Vec<Filter>, HttpError> {
        self.0
            .iter()
            .filter(|(k, _)| k == "filter")
            .map(|(_, v)| parse_filter(v).map_err(HttpError::bad_request))
            .collect()
    }
}

/// At most 64 characters of `s`, for echoing input in messages.
pub fn short(s: &str) -> String {
    s.chars().take(64).collect()
}
