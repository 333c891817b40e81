//! Dataset filters as written on the command line and in query strings:
//! `column:op[:value]`.

use super::{Filter, FilterOp, Literal};

/// `status:eq:error`, `amount:gt:10`, `status:in:a,b`, `region:is_null`.
pub fn parse_filter(s: &str) -> Result<Filter, String> {
    let bad = |why: &str| {
        format!(
            "bad filter `{}`: {why}; use column:op:value with op eq, ne, gt, ge, lt, le, in (a,b), \
             or column:is_null / column:is_not_null",
            s.chars().take(64).collect::<String>()
        )
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
