//! The values that cross the plugin boundary, under their WIT names, plus
//! small conveniences (null checks, row access, error constructors).
//!
//! These are the generated types themselves, re-exported, so nothing is
//! copied between the boundary and your code.

pub use crate::wit::alert_rule_plugin::{AlertInput, AlertRuleInfo, AlertState, Evaluation};
pub use crate::wit::exporter_plugin::{ChartKind, ExportOptions, ExporterInfo, Section};
pub use crate::wit::types::{
    Batch, CategoriesData, Column, ColumnKind, ColumnSchema, ColumnValues, DataShape,
    DictionaryText, FormatKind, PluginError, RowsData, ScalarData, Series, SeriesData, TimeRange,
    ValueFormat, WidgetData,
};
pub use crate::wit::widget_plugin::{RenderContext, WidgetInfo};

/// One cell of a [`Batch`], borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// SQL NULL (or a missing cell).
    Null,
    /// A float.
    Float(f64),
    /// An integer.
    Int(i64),
    /// Unix milliseconds (UTC).
    Timestamp(i64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(&'a str),
}

impl ColumnValues {
    /// Number of values in the column.
    pub fn len(&self) -> usize {
        match self {
            Self::Float64(v) => v.len(),
            Self::Int64(v) | Self::Timestamp(v) => v.len(),
            Self::Boolean(v) => v.len(),
            Self::Text(v) => v.len(),
            Self::Dictionary(d) => d.codes.len(),
        }
    }

    /// True when the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Column {
    /// True when row `row` is null. An empty mask means "no nulls".
    #[inline]
    pub fn is_null(&self, row: usize) -> bool {
        self.nulls.get(row).copied().unwrap_or(false)
    }

    /// The value at `row`; [`Value::Null`] when null or out of range (a
    /// dictionary code pointing nowhere also reads as null).
    #[inline]
    pub fn value(&self, row: usize) -> Value<'_> {
        if self.is_null(row) {
            return Value::Null;
        }
        let v = match &self.values {
            ColumnValues::Float64(v) => v.get(row).map(|x| Value::Float(*x)),
            ColumnValues::Int64(v) => v.get(row).map(|x| Value::Int(*x)),
            ColumnValues::Timestamp(v) => v.get(row).map(|x| Value::Timestamp(*x)),
            ColumnValues::Boolean(v) => v.get(row).map(|x| Value::Bool(*x)),
            ColumnValues::Text(v) => v.get(row).map(|x| Value::Text(x)),
            ColumnValues::Dictionary(d) => d
                .codes
                .get(row)
                .and_then(|c| d.dictionary.get(*c as usize))
                .map(|x| Value::Text(x)),
        };
        v.unwrap_or(Value::Null)
    }
}

impl Batch {
    /// Number of rows (as `usize`).
    pub fn rows(&self) -> usize {
        self.row_count as usize
    }

    /// The cell at (`row`, `col`); [`Value::Null`] when out of range.
    #[inline]
    pub fn value(&self, row: usize, col: usize) -> Value<'_> {
        self.columns.get(col).map_or(Value::Null, |c| c.value(row))
    }
}

impl Series {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.timestamps.len().min(self.values.len())
    }

    /// True when the series has no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The points that are not null, as `(timestamp, value)`; non-finite
    /// values are skipped too, so charts never see NaN.
    pub fn points(&self) -> impl Iterator<Item = (i64, f64)> + '_ {
        (0..self.len()).filter_map(move |i| {
            let null = self.nulls.get(i).copied().unwrap_or(false);
            let v = self.values[i];
            (!null && v.is_finite()).then(|| (self.timestamps[i], v))
        })
    }
}

impl Default for ValueFormat {
    /// A plain number, no unit, decimals chosen by the plugin.
    fn default() -> Self {
        Self {
            kind: FormatKind::Number,
            unit: String::new(),
            decimals: None,
        }
    }
}

impl Default for Series {
    /// No points.
    fn default() -> Self {
        Self {
            timestamps: Vec::new(),
            values: Vec::new(),
            nulls: Vec::new(),
        }
    }
}

impl PluginError {
    /// The message inside, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            Self::InvalidConfig(m) | Self::InvalidData(m) | Self::Internal(m) => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_nulls_dictionaries_and_out_of_range() {
        let b = Batch {
            row_count: 2,
            columns: vec![
                Column {
                    values: ColumnValues::Float64(vec![1.5, 0.0]),
                    nulls: vec![false, true],
                },
                Column {
                    values: ColumnValues::Dictionary(DictionaryText {
                        dictionary: vec!["ok".into()],
                        codes: vec![0, 7],
                    }),
                    nulls: vec![],
                },
            ],
        };
        assert_eq!(b.value(0, 0), Value::Float(1.5));
        assert_eq!(b.value(1, 0), Value::Null);
        assert_eq!(b.value(0, 1), Value::Text("ok"));
        assert_eq!(b.value(1, 1), Value::Null);
        assert_eq!(b.value(0, 9), Value::Null);
        assert_eq!(b.rows(), 2);
    }

    #[test]
    fn series_points_skip_nulls_and_nan() {
        let s = Series {
            timestamps: vec![1, 2, 3, 4],
            values: vec![1.0, f64::NAN, 3.0, 4.0],
            nulls: vec![false, false, true, false],
        };
        assert_eq!(s.points().collect::<Vec<_>>(), vec![(1, 1.0), (4, 4.0)]);
    }
}
