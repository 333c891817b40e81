//! Query-string parameters of `/api/v1`, checked strictly: unknown or
//! repeated keys are refused so a typo is an error, not a silent default.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;

use super::error::ApiError;
use crate::config::{Filter, FilterOp, Literal};
use crate::data::RangeSpec;

/// Parsed query parameters.
#[derive(Debug)]
pub(crate) struct Params(Vec<(String, String)>);

/// Keys that may repeat.
const REPEATABLE: &[&str] = &["filter"];

impl Params {
    /// Check the keys against `allowed`.
    pub(crate) fn new(
        query: Result<Query<Vec<(String, String)>>, QueryRejection>,
        allowed: &[&str],
    ) -> Result<Self, ApiError> {
        let Query(pairs) =
            query.map_err(|e| ApiError::BadRequest(format!("bad query string: {e}")))?;
        for (i, (k, _)) in pairs.iter().enumerate() {
            if !allowed.contains(&k.as_str()) {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter `{}`; allowed: {}",
                    short(k),
                    allowed.join(", ")
                )));
            }
            if !REPEATABLE.contains(&k.as_str()) && pairs[..i].iter().any(|(p, _)| p == k) {
                return Err(ApiError::BadRequest(format!("parameter `{k}` given twice")));
            }
        }
        Ok(Self(pairs))
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `range=30d`, or `from=...&to=...`; `30d` when none is given.
    pub(crate) fn range(&self) -> Result<RangeSpec, ApiError> {
        match (self.get("range"), self.get("from"), self.get("to")) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ApiError::BadRequest(
                "give either `range` or `from` and `to`, not both".into(),
            )),
            (Some(r), None, None) => Ok(r.parse()?),
            (None, Some(from), Some(to)) => Ok(RangeSpec::absolute(from, to)?),
            (None, Some(_), None) | (None, None, Some(_)) => {
                Err(ApiError::BadRequest("`from` and `to` go together".into()))
            }
            (None, None, None) => Ok(RangeSpec::LastDays(30)),
        }
    }

    /// An optional range (rows need none).
    pub(crate) fn optional_range(&self) -> Result<Option<RangeSpec>, ApiError> {
        if ["range", "from", "to"]
            .iter()
            .any(|k| self.get(k).is_some())
        {
            self.range().map(Some)
        } else {
            Ok(None)
        }
    }

    pub(crate) fn bool(&self, key: &str) -> Result<bool, ApiError> {
        match self.get(key) {
            None | Some("false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(v) => Err(ApiError::BadRequest(format!(
                "`{key}` must be true or false, not `{}`",
                short(v)
            ))),
        }
    }

    pub(crate) fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, ApiError> {
        self.get(key)
            .map(|v| {
                v.parse().map_err(|_| {
                    ApiError::BadRequest(format!(
                        "`{key}` must be a whole number, not `{}`",
                        short(v)
                    ))
                })
            })
            .transpose()
    }

    /// Every `filter=column:op[:value]`.
    pub(crate) fn filters(&self) -> Result<Vec<Filter>, ApiError> {
        self.0
            .iter()
            .filter(|(k, _)| k == "filter")
            .map(|(_, v)| parse_filter(v))
            .collect()
    }
}

/// `status:eq:error`, `amount:gt:10`, `status:in:a,b`, `region:is_null`.
fn parse_filter(s: &str) -> Result<Filter, ApiError> {
    let bad = |why: &str| {
        ApiError::BadRequest(format!(
            "bad filter `{}`: {why}; use column:op:value with op eq, ne, gt, ge, lt, le, in (a,b), \
             or column:is_null / column:is_not_null",
            short(s)
        ))
    };
    let mut parts = s.splitn(3, ':');
    let column = parts.next().unwrap_or_default().to_string();
    let op = parts.next().ok_or_else(|| bad("no operator"))?;
    let value = parts.next();
    let op = match op {
        "eq" => FilterOp::Eq,
        "ne" => FilterOp::Ne,
        "gt" => FilterOp::Gt,
        "ge" => FilterOp::Ge,
        "lt" => FilterOp::Lt,
        "le" => FilterOp::Le,
        "in" => FilterOp::In,
        "is_null" => FilterOp::IsNull,
        "is_not_null" => FilterOp::IsNotNull,
        _ => return Err(bad("unknown operator")),
    };
    let value = match (op, value) {
        (FilterOp::IsNull | FilterOp::IsNotNull, None) => None,
        (FilterOp::IsNull | FilterOp::IsNotNull, Some(_)) => {
            return Err(bad("is_null takes no value"));
        }
        (_, None) => return Err(bad("missing value")),
        (FilterOp::In, Some(v)) => Some(Literal::List(
            v.split(',').map(|x| Literal::Text(x.to_string())).collect(),
        )),
        (_, Some(v)) => Some(Literal::Text(v.to_string())),
    };
    Ok(Filter { column, op, value })
}

pub(crate) fn short(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_and_bad_ones_explain_the_syntax() {
        let f = parse_filter("status:in:a,b").unwrap();
        assert_eq!(f.op, FilterOp::In);
        assert_eq!(
            f.value,
            Some(Literal::List(vec![
                Literal::Text("a".into()),
                Literal::Text("b".into())
            ]))
        );
        assert_eq!(
            parse_filter("amount:gt:1:2").unwrap().value,
            Some(Literal::Text("1:2".into()))
        );
        assert!(parse_filter("region:is_null").unwrap().value.is_none());
        for bad in ["status", "status:like:%", "status:eq", "x:is_null:1"] {
            assert!(
                parse_filter(bad)
                    .unwrap_err()
                    .to_string()
                    .contains("use column:op:value")
            );
        }
    }
}
