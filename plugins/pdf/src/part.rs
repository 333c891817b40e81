//! One part of the report: a plain table, or a dashboard section with a
//! chart and its data. Cells are kept as display text in one string with an
//! offset per cell (a few bytes of overhead per cell, not a `String` each),
//! chart data as plain numbers.

use wasmdash_plugin_sdk::display::ColumnFormat;
use wasmdash_plugin_sdk::svg::PARTIAL_NOTE;
use wasmdash_plugin_sdk::{
    Batch, ChartKind, ColumnKind, ColumnSchema, PluginError, Value, format, time,
};

/// Points a line chart keeps; later rows still go to the table.
const MAX_LINE_POINTS: usize = 50_000;
/// Categories a bar or pie chart keeps one by one; later ones are summed.
const MAX_CATEGORIES: usize = 1_000;

/// Table cells as display text, row-major.
#[derive(Default)]
pub(crate) struct Cells {
    text: String,
    ends: Vec<u32>,
    columns: usize,
}

impl Cells {
    fn new(columns: usize) -> Self {
        Self {
            columns,
            ..Self::default()
        }
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.ends.len().checked_div(self.columns).unwrap_or(0)
    }

    /// The text of (`row`, `col`).
    pub(crate) fn get(&self, row: usize, col: usize) -> &str {
        let i = row * self.columns + col;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends.get(i).map_or(start, |e| *e as usize);
        self.text.get(start..end).unwrap_or("")
    }
}

/// One point of a line chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LinePoint {
    /// Bucket start.
    pub(crate) t: i64,
    pub(crate) value: Option<f64>,
    /// The previous period's value.
    pub(crate) previous: Option<f64>,
    /// The range covers this bucket only in part (the `partial` column).
    pub(crate) partial: bool,
    /// The previous period covers its bucket only in part.
    pub(crate) previous_partial: bool,
}

/// What the chart of a part draws.
pub(crate) enum ChartData {
    /// No chart.
    None,
    /// One per row.
    Line(Vec<LinePoint>),
    /// (label, value) per category, plus the sum of categories past the cap.
    Categories(Vec<(String, f64)>, f64),
    /// The first row: label, value, previous.
    Value(Option<(String, Option<f64>, Option<f64>)>),
}

/// Where the chart finds its columns.
#[derive(Default, Clone, Copy)]
struct Roles {
    time: Option<usize>,
    value: Option<usize>,
    previous: Option<usize>,
    label: Option<usize>,
    /// A series' boolean `partial` and `previous_partial` columns (the
    /// host's tables carry them): shown as "(partial)" next to the time
    /// and the previous value, and dashed in the chart.
    partial: Option<usize>,
    previous_partial: Option<usize>,
}

impl Roles {
    /// Columns by their conventional names, else by kind.
    fn find(schema: &[ColumnSchema]) -> Self {
        let named = |n: &str| schema.iter().position(|c| c.name == n);
        let flag = |n: &str| named(n).filter(|i| schema[*i].kind == ColumnKind::Boolean);
        let numeric: Vec<usize> = (0..schema.len())
            .filter(|i| matches!(schema[*i].kind, ColumnKind::Float64 | ColumnKind::Int64))
            .collect();
        let value = named("value").or_else(|| numeric.first().copied());
        Self {
            time: named("time")
                .or_else(|| schema.iter().position(|c| c.kind == ColumnKind::Timestamp)),
            value,
            previous: named("previous")
                .or_else(|| numeric.iter().copied().find(|i| Some(*i) != value)),
            label: named("label")
                .or_else(|| schema.iter().position(|c| c.kind == ColumnKind::Text)),
            partial: flag("partial"),
            previous_partial: flag("previous_partial"),
        }
    }
}

/// How the dashboard shows a part's values (the host's `display` answers
/// for its schema).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Looks {
    /// Per column, in schema order; missing or plain columns are shown as
    /// they come.
    pub(crate) columns: Vec<ColumnFormat>,
    /// The format of the section's metric values.
    pub(crate) value: ColumnFormat,
    /// Whether a rise of the metric is good news.
    pub(crate) higher_is_better: bool,
    /// Configured category colours: (label, `#rrggbb`).
    pub(crate) category_colors: Vec<(String, String)>,
}

impl Default for Looks {
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            value: ColumnFormat::plain(),
            higher_is_better: true,
            category_colors: Vec::new(),
        }
    }
}

impl Looks {
    /// What the host answers for the schema of the current call.
    pub(crate) fn from_host() -> Self {
        Self {
            columns: wasmdash_plugin_sdk::display::columns(),
            value: wasmdash_plugin_sdk::display::value_format(),
            higher_is_better: wasmdash_plugin_sdk::display::higher_is_better(),
            category_colors: wasmdash_plugin_sdk::display::category_colors(),
        }
    }
}

/// One part of the report.
pub(crate) struct Part {
    /// Section title; none for a plain table export.
    pub(crate) title: Option<String>,
    pub(crate) chart: ChartKind,
    /// Headers of the columns the table shows (see `shown`).
    pub(crate) headers: Vec<String>,
    pub(crate) numeric: Vec<bool>,
    kinds: Vec<ColumnKind>,
    /// The schema columns the table shows, in order: all but a line
    /// chart's partial flags, which mark other cells instead.
    shown: Vec<usize>,
    roles: Roles,
    /// Per column: its format, when the host gave one that is not plain.
    formats: Vec<Option<ColumnFormat>>,
    /// The format of the chart's values.
    pub(crate) value_format: ColumnFormat,
    /// Whether a rise of the chart's value is good news.
    pub(crate) higher_is_better: bool,
    /// Configured colours of the chart's categories.
    pub(crate) category_colors: Vec<(String, String)>,
    pub(crate) cells: Cells,
    pub(crate) data: ChartData,
}

fn number(v: Value<'_>) -> Option<f64> {
    match v {
        Value::Float(f) if f.is_finite() => Some(f),
        Value::Int(i) => Some(i as f64),
        _ => None,
    }
}

/// A cell as shown in the table: as its column's format says, else as
/// it comes.
fn display(v: Value<'_>, format: Option<&ColumnFormat>, offset_minutes: i32) -> String {
    if let Some(f) = format {
        return f.text(v, offset_minutes);
    }
    match v {
        Value::Null => String::new(),
        Value::Float(f) => format::number(f, None),
        Value::Int(i) => i.to_string(),
        Value::Timestamp(ms) => time::date_time(ms, offset_minutes),
        Value::Bool(b) => if b { "yes" } else { "no" }.into(),
        Value::Text(s) => s.to_owned(),
    }
}

impl Part {
    /// A part with `schema`; a chart kind without the columns it needs is
    /// refused.
    pub(crate) fn new(
        title: Option<String>,
        chart: ChartKind,
        schema: &[ColumnSchema],
        looks: Looks,
    ) -> Result<Self, PluginError> {
        let roles = Roles::find(schema);
        let formats: Vec<Option<ColumnFormat>> = (0..schema.len())
            .map(|i| looks.columns.get(i).filter(|f| !f.is_plain()).cloned())
            .collect();
        // The chart shows the value column as the table does; without a
        // column format, as the section's metric.
        let value_format = roles
            .value
            .and_then(|i| formats[i].clone())
            .unwrap_or(looks.value);
        let name = title.as_deref().unwrap_or("export");
        let missing = |what: &str| {
            Err(PluginError::InvalidData(format!(
                "section {name:?}: a {what} chart needs {}",
                match what {
                    "line" => "a timestamp column and a numeric value column",
                    "value" => "a numeric value column",
                    _ => "a numeric value column and a text label column",
                }
            )))
        };
        let data = match chart {
            ChartKind::None => ChartData::None,
            ChartKind::Line if roles.time.is_none() || roles.value.is_none() => {
                return missing("line");
            }
            ChartKind::Line => ChartData::Line(Vec::new()),
            ChartKind::Bar | ChartKind::Pie if roles.value.is_none() || roles.label.is_none() => {
                return missing(if chart == ChartKind::Bar {
                    "bar"
                } else {
                    "pie"
                });
            }
            ChartKind::Bar | ChartKind::Pie => ChartData::Categories(Vec::new(), 0.0),
            ChartKind::Value if roles.value.is_none() => return missing("value"),
            ChartKind::Value => ChartData::Value(None),
        };
        let flags = [roles.partial, roles.previous_partial];
        let shown: Vec<usize> = (0..schema.len())
            .filter(|i| chart != ChartKind::Line || !flags.contains(&Some(*i)))
            .collect();
        Ok(Self {
            title,
            chart,
            headers: shown
                .iter()
                .map(|i| {
                    let c = &schema[*i];
                    if c.label.trim().is_empty() {
                        c.name.clone()
                    } else {
                        c.label.clone()
                    }
                })
                .collect(),
            numeric: shown
                .iter()
                .map(|i| matches!(schema[*i].kind, ColumnKind::Float64 | ColumnKind::Int64))
                .collect(),
            kinds: schema.iter().map(|c| c.kind).collect(),
            cells: Cells::new(shown.len()),
            shown,
            roles,
            formats,
            value_format,
            higher_is_better: looks.higher_is_better,
            category_colors: looks.category_colors,
            data,
        })
    }

    /// Number of columns.
    pub(crate) fn columns(&self) -> usize {
        self.kinds.len()
    }

    /// Take row `row` of `batch` into the chart, and into the table when
    /// `keep` (the document's row cap is not reached yet).
    pub(crate) fn take_row(&mut self, batch: &Batch, row: usize, keep: bool, offset: i32) {
        let at = |c: Option<usize>| c.map_or(Value::Null, |c| batch.value(row, c));
        let r = self.roles;
        let line = matches!(self.data, ChartData::Line(_));
        let flag = |c: Option<usize>| line && matches!(at(c), Value::Bool(true));
        let (partial, previous_partial) = (flag(r.partial), flag(r.previous_partial));
        if keep {
            for col in &self.shown {
                let format = self.formats[*col].as_ref();
                let mut text = display(batch.value(row, *col), format, offset);
                let marked = (partial && Some(*col) == r.time)
                    || (previous_partial && Some(*col) == r.previous);
                if marked && !text.is_empty() {
                    text.push_str(" (");
                    text.push_str(PARTIAL_NOTE);
                    text.push(')');
                }
                self.cells.push(&text);
            }
        }
        match &mut self.data {
            ChartData::None => {}
            ChartData::Line(points) => {
                if let Value::Timestamp(t) = at(r.time)
                    && points.len() < MAX_LINE_POINTS
                {
                    points.push(LinePoint {
                        t,
                        value: number(at(r.value)),
                        previous: number(at(r.previous)),
                        partial,
                        previous_partial,
                    });
                }
            }
            ChartData::Categories(list, rest) => {
                let value = number(at(r.value)).unwrap_or(0.0);
                if list.len() < MAX_CATEGORIES {
                    let label = r.label.and_then(|c| self.formats[c].as_ref());
                    list.push((display(at(r.label), label, offset), value));
                } else {
                    *rest += value;
                }
            }
            ChartData::Value(first) => {
                if first.is_none() {
                    *first = Some((
                        display(at(r.label), None, offset),
                        number(at(r.value)),
                        number(at(r.previous)),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{Column, ColumnValues};

    fn col(name: &str, kind: ColumnKind) -> ColumnSchema {
        ColumnSchema {
            name: name.into(),
            label: String::new(),
            kind,
        }
    }

    #[test]
    fn cells_round_trip() {
        let mut c = Cells::new(2);
        for s in ["a", "", "ü€", "d"] {
            c.push(s);
        }
        assert_eq!(c.rows(), 2);
        assert_eq!(
            (c.get(0, 0), c.get(0, 1), c.get(1, 0), c.get(1, 1)),
            ("a", "", "ü€", "d")
        );
    }

    #[test]
    fn charts_need_their_columns() {
        let line = [
            col("time", ColumnKind::Timestamp),
            col("value", ColumnKind::Float64),
        ];
        assert!(Part::new(Some("t".into()), ChartKind::Line, &line, Looks::default()).is_ok());
        assert!(matches!(
            Part::new(Some("t".into()), ChartKind::Pie, &line, Looks::default()),
            Err(PluginError::InvalidData(_))
        ));
        assert!(matches!(
            Part::new(
                Some("t".into()),
                ChartKind::Line,
                &line[1..],
                Looks::default()
            ),
            Err(PluginError::InvalidData(_))
        ));
        let mut p = Part::new(Some("t".into()), ChartKind::Line, &line, Looks::default()).unwrap();
        let batch = Batch {
            row_count: 2,
            columns: vec![
                Column {
                    values: ColumnValues::Timestamp(vec![0, 60_000]),
                    nulls: vec![],
                },
                Column {
                    values: ColumnValues::Float64(vec![1.5, 2.0]),
                    nulls: vec![false, true],
                },
            ],
        };
        p.take_row(&batch, 0, true, 0);
        p.take_row(&batch, 1, false, 0);
        assert_eq!(p.cells.rows(), 1);
        assert_eq!(p.headers, ["time", "value"]);
        let ChartData::Line(points) = &p.data else {
            panic!()
        };
        let pairs: Vec<_> = points.iter().map(|p| (p.t, p.value, p.previous)).collect();
        assert_eq!(pairs, [(0, Some(1.5), None), (60_000, None, None)]);
    }

    #[test]
    fn partial_buckets_are_marked_not_listed() {
        let line = [
            col("time", ColumnKind::Timestamp),
            col("value", ColumnKind::Float64),
            col("previous", ColumnKind::Float64),
            col("partial", ColumnKind::Boolean),
            col("previous_partial", ColumnKind::Boolean),
        ];
        let mut p = Part::new(Some("t".into()), ChartKind::Line, &line, Looks::default()).unwrap();
        assert_eq!(p.headers, ["time", "value", "previous"]);
        assert_eq!(p.columns(), 5);
        let batch = Batch {
            row_count: 2,
            columns: vec![
                Column {
                    values: ColumnValues::Timestamp(vec![0, 86_400_000]),
                    nulls: vec![],
                },
                Column {
                    values: ColumnValues::Float64(vec![1.0, 2.0]),
                    nulls: vec![],
                },
                Column {
                    values: ColumnValues::Float64(vec![3.0, 4.0]),
                    nulls: vec![],
                },
                Column {
                    values: ColumnValues::Boolean(vec![true, false]),
                    nulls: vec![],
                },
                Column {
                    values: ColumnValues::Boolean(vec![false, true]),
                    nulls: vec![],
                },
            ],
        };
        p.take_row(&batch, 0, true, 0);
        p.take_row(&batch, 1, true, 0);
        assert!(
            p.cells.get(0, 0).ends_with(" (partial)"),
            "{}",
            p.cells.get(0, 0)
        );
        assert!(!p.cells.get(0, 2).contains("partial"));
        assert!(!p.cells.get(1, 0).contains("partial"));
        assert!(p.cells.get(1, 2).ends_with(" (partial)"));
        let ChartData::Line(points) = &p.data else {
            panic!()
        };
        assert!(points[0].partial && !points[0].previous_partial);
        assert!(!points[1].partial && points[1].previous_partial);
        // A plain table keeps a column that happens to be called `partial`.
        let table = Part::new(None, ChartKind::None, &line, Looks::default()).unwrap();
        assert_eq!(table.headers.len(), 5);
    }
}
