//! Aggregated widget data (a value, a series, categories) as one table, so
//! an exporter that only knows rows can write it.
//!
//! Column names follow the report sections of the exporter WIT: a series is
//! `time`, `value` (and `previous`), then `partial` (and `previous_partial`), categories are `label`, `value`, a
//! single value is `label`, `value`, `previous`.

use crate::frame::{
    Batch, CategoriesData, Column, ColumnKind, ColumnSchema, ColumnValues, ScalarData, Series,
    SeriesData, WidgetData,
};

/// A schema and the rows that go with it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The columns.
    pub schema: Vec<ColumnSchema>,
    /// The rows, columns in schema order.
    pub rows: Batch,
}

fn col(name: &str, label: &str, kind: ColumnKind) -> ColumnSchema {
    ColumnSchema::new(name, label, kind)
}

fn optional_floats(values: &[Option<f64>]) -> Column {
    let nulls: Vec<bool> = values.iter().map(Option::is_none).collect();
    Column {
        values: ColumnValues::Float64(values.iter().map(|v| v.unwrap_or(0.0)).collect()),
        nulls: if nulls.contains(&true) {
            nulls
        } else {
            Vec::new()
        },
    }
}

fn series_values(s: &Series) -> Vec<Option<f64>> {
    s.values
        .iter()
        .enumerate()
        .map(|(i, v)| (!s.nulls.get(i).copied().unwrap_or(false)).then_some(*v))
        .collect()
}

/// A single value: one row of `label`, `value`, `previous`.
pub fn scalar(d: &ScalarData) -> Table {
    Table {
        schema: vec![
            col("label", "Label", ColumnKind::Text),
            col("value", "Value", ColumnKind::Float64),
            col("previous", "Previous period", ColumnKind::Float64),
        ],
        rows: Batch {
            row_count: 1,
            columns: vec![
                Column::new(ColumnValues::Text(vec![d.label.clone()])),
                optional_floats(&[d.value]),
                optional_floats(&[d.previous]),
            ],
        },
    }
}

/// A time series: `time`, `value`, and `previous` when it was compared;
/// then `partial` (and `previous_partial`): whether the range covers the
/// row's bucket only in part (see `SeriesData::partial`), so a file says
/// which rows are not whole buckets as the chart does.
pub fn series(d: &SeriesData) -> Table {
    let n = d.points.timestamps.len();
    let mut schema = vec![
        col("time", "Time", ColumnKind::Timestamp),
        col("value", &d.label, ColumnKind::Float64),
    ];
    let mut columns = vec![
        Column::new(ColumnValues::Timestamp(d.points.timestamps.clone())),
        optional_floats(&series_values(&d.points)),
    ];
    let flags = |partial: &[i64]| {
        Column::new(ColumnValues::Boolean(
            d.points
                .timestamps
                .iter()
                .map(|t| partial.contains(t))
                .collect(),
        ))
    };
    if let Some(prev) = &d.previous {
        schema.push(col("previous", "Previous period", ColumnKind::Float64));
        let mut values = series_values(prev);
        values.resize(n, None);
        columns.push(optional_floats(&values));
    }
    schema.push(col("partial", PARTIAL_LABEL, ColumnKind::Boolean));
    columns.push(flags(&d.partial.current));
    if d.previous.is_some() {
        schema.push(col(
            "previous_partial",
            PREVIOUS_PARTIAL_LABEL,
            ColumnKind::Boolean,
        ));
        columns.push(flags(&d.partial.previous));
    }
    Table {
        schema,
        rows: Batch {
            row_count: u32::try_from(n).unwrap_or(u32::MAX),
            columns,
        },
    }
}

/// Header of the column saying a row's bucket is partial.
pub const PARTIAL_LABEL: &str = "Partial bucket";
/// Header of the column saying the previous period's bucket is partial.
pub const PREVIOUS_PARTIAL_LABEL: &str = "Previous partial";

/// Values by category: `label`, `value`. The `label` column is headed
/// `dimension_label` (the grouped column's configured label) when given,
/// else the dimension's name.
pub fn categories(d: &CategoriesData, dimension_label: Option<&str>) -> Table {
    let n = d.labels.len().min(d.values.len());
    Table {
        schema: vec![
            col(
                "label",
                dimension_label.unwrap_or(&d.dimension),
                ColumnKind::Text,
            ),
            col("value", &d.label, ColumnKind::Float64),
        ],
        rows: Batch {
            row_count: u32::try_from(n).unwrap_or(u32::MAX),
            columns: vec![
                Column::new(ColumnValues::Text(d.labels[..n].to_vec())),
                Column::new(ColumnValues::Float64(d.values[..n].to_vec())),
            ],
        },
    }
}

/// Any widget data as a table (rows as they are); categories are headed
/// by `dimension_label` (see [`categories`]).
pub fn of(data: WidgetData, dimension_label: Option<&str>) -> Table {
    match data {
        WidgetData::Scalar(d) => scalar(&d),
        WidgetData::Series(d) => series(&d),
        WidgetData::Categories(d) => categories(&d, dimension_label),
        WidgetData::Rows(d) => Table {
            schema: d.schema,
            rows: d.rows,
        },
    }
}

/// A one-cell table saying why a report part has no data.
pub fn note(message: &str) -> Table {
    Table {
        schema: vec![col("note", "Note", ColumnKind::Text)],
        rows: Batch {
            row_count: 1,
            columns: vec![Column::new(ColumnValues::Text(vec![message.to_owned()]))],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_keeps_nulls_and_aligns_previous() {
        let d = SeriesData {
            label: "Orders".into(),
            bucket: "day".into(),
            points: Series {
                timestamps: vec![0, 86_400_000, 172_800_000],
                values: vec![1.0, 0.0, 3.0],
                nulls: vec![false, true, false],
            },
            previous: Some(Series {
                timestamps: vec![0, 86_400_000],
                values: vec![5.0, 6.0],
                nulls: Vec::new(),
            }),
            ..SeriesData::default()
        };
        let t = series(&d);
        let names: Vec<&str> = t.schema.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["time", "value", "previous", "partial", "previous_partial"]
        );
        assert_eq!(t.rows.row_count, 3);
        assert_eq!(t.rows.columns[1].nulls, vec![false, true, false]);
        assert_eq!(t.rows.columns[2].nulls, vec![false, false, true]);
    }

    #[test]
    fn series_rows_say_which_buckets_are_partial() {
        let mut d = SeriesData {
            points: Series {
                timestamps: vec![0, 10, 20],
                values: vec![1.0, 2.0, 3.0],
                nulls: Vec::new(),
            },
            ..SeriesData::default()
        };
        d.partial.current = vec![0, 20];
        let t = series(&d);
        assert_eq!(t.schema[2].name, "partial");
        assert_eq!(
            t.rows.columns[2].values,
            ColumnValues::Boolean(vec![true, false, true])
        );
        d.previous = Some(d.points.clone());
        d.partial.previous = vec![20];
        let t = series(&d);
        assert_eq!(
            t.rows.columns[4].values,
            ColumnValues::Boolean(vec![false, false, true])
        );
    }

    #[test]
    fn scalar_without_data_is_a_null_value() {
        let t = scalar(&ScalarData {
            label: "Revenue".into(),
            value: None,
            previous: Some(2.0),
            ..ScalarData::default()
        });
        assert!(t.rows.columns[1].is_null(0));
        assert!(!t.rows.columns[2].is_null(0));
    }

    #[test]
    fn categories_use_the_shorter_of_labels_and_values() {
        let d = CategoriesData {
            labels: vec!["a".into(), "b".into()],
            values: vec![1.0],
            dimension: "status".into(),
            ..CategoriesData::default()
        };
        let t = categories(&d, None);
        assert_eq!(t.rows.row_count, 1);
        assert_eq!(t.schema[0].label, "status");
        assert_eq!(
            categories(&d, Some("Order status")).schema[0].label,
            "Order status"
        );
    }
}
