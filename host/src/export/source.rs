//! What an export reads: a dataset's rows, a metric's series, one widget's
//! data, or every widget of a dashboard as a report.

use crate::config::Filter;
use crate::store::Widget;

/// Rows of a dataset, all of them, streamed.
#[derive(Debug, Clone, Default)]
pub struct DatasetExport {
    /// Dataset name.
    pub name: String,
    /// Columns to export; empty = every exposed column.
    pub columns: Vec<String>,
    /// Extra conditions (values are bound, never spliced).
    pub filters: Vec<Filter>,
    /// An exposed column to sort by.
    pub order_by: Option<String>,
    /// Sort descending.
    pub descending: bool,
}

/// What an export reads.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ExportSource {
    /// A dataset's rows (all rows in the range, or all rows without one).
    Dataset(DatasetExport),
    /// A metric bucketed over the range (`time`, `value`).
    Metric {
        /// Metric name.
        name: String,
    },
    /// The data one widget shows for the range; a table widget exports
    /// every row of its dataset in the range, not just one page.
    Widget(Widget),
    /// A report: one part per widget, in layout order (tab, row, column).
    Dashboard {
        /// The dashboard's title.
        title: String,
        /// Its widgets.
        widgets: Vec<Widget>,
    },
}

impl ExportSource {
    /// Widgets and dashboards always show a range (the dashboard default
    /// when none is given); datasets may be exported whole.
    pub(crate) fn needs_range(&self) -> bool {
        !matches!(self, Self::Dataset(_))
    }
}
