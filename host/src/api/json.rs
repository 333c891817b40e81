//! Frames as JSON: nulls as `null`, timestamps as Unix ms, rows as arrays.

use serde_json::{Value, json};

use crate::frame::{Batch, ColumnValues, Series};

/// `[[t, v], ...]` with `null` for null points.
pub(crate) fn series(s: &Series) -> Value {
    Value::Array(
        s.timestamps
            .iter()
            .zip(&s.values)
            .enumerate()
            .map(|(i, (t, v))| {
                let null = s.nulls.get(i).copied().unwrap_or(false);
                json!([t, if null { Value::Null } else { json!(v) }])
            })
            .collect(),
    )
}

/// Rows as arrays of values, in column order.
pub(crate) fn rows(b: &Batch) -> Value {
    let n = b.row_count as usize;
    let mut out = vec![Vec::with_capacity(b.columns.len()); n];
    for col in &b.columns {
        for (i, row) in out.iter_mut().enumerate() {
            row.push(if col.is_null(i) {
                Value::Null
            } else {
                match &col.values {
                    ColumnValues::Float64(v) => json!(v[i]),
                    ColumnValues::Int64(v) | ColumnValues::Timestamp(v) => json!(v[i]),
                    ColumnValues::Boolean(v) => json!(v[i]),
                    ColumnValues::Text(v) => json!(v[i]),
                    ColumnValues::Dictionary { dictionary, codes } => {
                        json!(dictionary.get(codes[i] as usize))
                    }
                }
            });
        }
    }
    Value::Array(out.into_iter().map(Value::Array).collect())
}
