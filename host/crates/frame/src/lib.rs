//! wasmdash-frame: columnar data as the host hands it to plugins.
//!
//! These types mirror the `types` interface of `widget-sdk/wit/plugin.wit`
//! but belong to the host: the data engine (`wasmdash-data`) produces them
//! without knowing wasmtime, and only `wasmdash-plugins` converts them to the
//! generated bindings. This crate depends on serde alone, so those two never
//! depend on each other. Bulk data stays columnar (one typed `Vec` per
//! column plus a null mask) because that crosses the plugin boundary far
//! faster than rows of strings.
//!
//! ```
//! use wasmdash_frame::TimeRange;
//! let day = TimeRange { start_ms: 0, end_ms: 86_400_000, label: "1 Jan 1970".into() };
//! assert_eq!(day.end_ms - day.start_ms, 86_400_000);
//! ```

use serde::{Deserialize, Serialize};

mod display;

pub use display::{ColumnFormat, ColumnFormatKind};

/// A half-open time range `[start_ms, end_ms)` in Unix milliseconds (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    /// Start, inclusive.
    pub start_ms: i64,
    /// End, exclusive.
    pub end_ms: i64,
    /// Label of the range as the user picked it, e.g. "Last 30 days".
    pub label: String,
}

/// How a number is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatKind {
    /// A plain number.
    #[default]
    Number,
    /// A ratio shown as a percentage (0.05 → 5 %).
    Percent,
    /// Money; the unit is the currency code.
    Currency,
    /// Seconds shown as a duration.
    Duration,
}

/// Display format of a metric's values.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ValueFormat {
    /// The kind of number.
    pub kind: FormatKind,
    /// Unit or currency code; may be empty.
    pub unit: String,
    /// Decimals to show; `None` lets the plugin choose.
    pub decimals: Option<u8>,
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// 64-bit float.
    Float64,
    /// 64-bit signed integer.
    Int64,
    /// Unix milliseconds (UTC).
    Timestamp,
    /// True or false.
    Boolean,
    /// UTF-8 text.
    Text,
}

/// Name, type and display format of one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSchema {
    /// Column name as exposed by the dataset.
    pub name: String,
    /// Human label.
    pub label: String,
    /// Value type.
    pub kind: ColumnKind,
    /// How the values are shown (the dataset's `format`; plain when none).
    /// Plugins learn it through the `display` import, not the schema.
    #[serde(default)]
    pub format: ColumnFormat,
}

impl ColumnSchema {
    /// A column labelled `label`, shown as its values come.
    pub fn new(name: impl Into<String>, label: impl Into<String>, kind: ColumnKind) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            kind,
            format: ColumnFormat::default(),
        }
    }

    /// This column shown as `format`.
    pub fn with_format(self, format: ColumnFormat) -> Self {
        Self { format, ..self }
    }
}

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    /// Floats.
    Float64(Vec<f64>),
    /// Integers.
    Int64(Vec<i64>),
    /// Unix milliseconds (UTC).
    Timestamp(Vec<i64>),
    /// Booleans.
    Boolean(Vec<bool>),
    /// Text, one string per row.
    Text(Vec<String>),
    /// Text with few distinct values: row `i` is `dictionary[codes[i]]`.
    Dictionary {
        /// Distinct values.
        dictionary: Vec<String>,
        /// One index into `dictionary` per row.
        codes: Vec<u32>,
    },
}

impl ColumnValues {
    /// Number of rows in the column.
    pub fn len(&self) -> usize {
        match self {
            Self::Float64(v) => v.len(),
            Self::Int64(v) | Self::Timestamp(v) => v.len(),
            Self::Boolean(v) => v.len(),
            Self::Text(v) => v.len(),
            Self::Dictionary { codes, .. } => codes.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One column of a batch. `nulls` is empty when no value is null, else it
/// has one entry per row and `true` marks a null.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The values (placeholders where null).
    pub values: ColumnValues,
    /// Null mask; empty means "no nulls".
    pub nulls: Vec<bool>,
}

impl Column {
    /// A column without nulls.
    pub fn new(values: ColumnValues) -> Self {
        Self {
            values,
            nulls: Vec::new(),
        }
    }

    /// True when row `i` is null.
    pub fn is_null(&self, i: usize) -> bool {
        self.nulls.get(i).copied().unwrap_or(false)
    }
}

/// A slice of rows in columnar form, columns in schema order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Batch {
    /// Rows in this batch; every column has this many values.
    pub row_count: u32,
    /// The columns.
    pub columns: Vec<Column>,
}

/// Points of a time series: bucket starts and values, same length.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Series {
    /// Bucket starts, Unix milliseconds.
    pub timestamps: Vec<i64>,
    /// One value per bucket (placeholder where null).
    pub values: Vec<f64>,
    /// Empty when no point is null, else one entry per point.
    pub nulls: Vec<bool>,
}

/// A single value with the same aggregate over the previous period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScalarData {
    /// Metric label.
    pub label: String,
    /// The value over the range; `None` when there was no data.
    pub value: Option<f64>,
    /// The value over the previous period of equal length.
    pub previous: Option<f64>,
    /// Display format.
    pub format: ValueFormat,
    /// Recent values for a sparkline, when asked for.
    pub sparkline: Option<Series>,
    /// Bucket starts of the sparkline's points whose bucket the range
    /// covers only in part (see [`PartialBuckets`]).
    pub sparkline_partial: Vec<i64>,
}

/// A time series bucketed by `bucket` (minute, hour, day, week, month).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesData {
    /// Metric label.
    pub label: String,
    /// Bucket name.
    pub bucket: String,
    /// The points over the range.
    pub points: Series,
    /// The previous period, aligned bucket by bucket.
    pub previous: Option<Series>,
    /// Display format.
    pub format: ValueFormat,
    /// The points whose bucket the range covers only in part.
    pub partial: PartialBuckets,
}

/// Bucket starts (Unix ms, as in a series' timestamps) of the points that
/// cover only part of their bucket because the range starts or ends inside
/// it ("Last 30 days" starts mid-day and ends in today): at most the first
/// and the last point of a series.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialBuckets {
    /// Of the current series.
    pub current: Vec<i64>,
    /// Of the previous period's series, at the timestamps it is drawn at
    /// (the current series', bucket by bucket).
    pub previous: Vec<i64>,
}

impl PartialBuckets {
    /// Whether no bucket is partial.
    pub fn is_empty(&self) -> bool {
        self.current.is_empty() && self.previous.is_empty()
    }
}

/// Values grouped by a dimension (top N plus "other").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CategoriesData {
    /// Metric label.
    pub label: String,
    /// The dimension grouped by.
    pub dimension: String,
    /// One label per group.
    pub labels: Vec<String>,
    /// One value per group.
    pub values: Vec<f64>,
    /// Display format.
    pub format: ValueFormat,
}

/// A page of rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowsData {
    /// Dataset label.
    pub label: String,
    /// Columns of `rows`.
    pub schema: Vec<ColumnSchema>,
    /// The rows.
    pub rows: Batch,
    /// Rows matching in total, when known.
    pub total_rows: Option<u64>,
    /// Index of the first row of this page.
    pub offset: u64,
}

/// The data shape a widget needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataShape {
    /// One value plus the previous period's.
    Scalar,
    /// A time series.
    Series,
    /// Values by category.
    Categories,
    /// Raw rows.
    Rows,
}

/// Data handed to a widget, in the shape it asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum WidgetData {
    /// See [`ScalarData`].
    Scalar(ScalarData),
    /// See [`SeriesData`].
    Series(SeriesData),
    /// See [`CategoriesData`].
    Categories(CategoriesData),
    /// See [`RowsData`].
    Rows(RowsData),
}

impl WidgetData {
    /// The shape of this data.
    pub fn shape(&self) -> DataShape {
        match self {
            Self::Scalar(_) => DataShape::Scalar,
            Self::Series(_) => DataShape::Series,
            Self::Categories(_) => DataShape::Categories,
            Self::Rows(_) => DataShape::Rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_len_counts_rows_of_every_kind() {
        assert_eq!(ColumnValues::Float64(vec![1.0, 2.0]).len(), 2);
        assert_eq!(
            ColumnValues::Dictionary {
                dictionary: vec!["a".into()],
                codes: vec![0, 0, 0]
            }
            .len(),
            3
        );
        assert!(ColumnValues::Text(vec![]).is_empty());
    }

    #[test]
    fn empty_null_mask_means_no_nulls() {
        let c = Column::new(ColumnValues::Int64(vec![1, 2]));
        assert!(!c.is_null(0) && !c.is_null(1));
        let c = Column {
            values: ColumnValues::Int64(vec![1, 2]),
            nulls: vec![false, true],
        };
        assert!(!c.is_null(0) && c.is_null(1));
    }
}
