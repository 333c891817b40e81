//! The `display` import (WIT 0.1.2): what a plugin may ask about how the
//! dashboard shows the data of the current call — column formats, the
//! metric's value format and label, which way is good, category colours —
//! and the `buckets` import (0.1.3): which points of the call's series
//! cover only part of their bucket. The caller
//! of a plugin passes a [`Display`]; it is kept in the store for the length
//! of the call (for an export, until the next `begin_section`).

use wasmdash_frame::{ColumnFormat, ColumnFormatKind, PartialBuckets};

use super::bindings::guest_buckets;
use super::bindings::guest_display::{self as wit, Host};
use super::sandbox::HostState;

/// How the dashboard shows the data of one plugin call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Display {
    /// The display format of each column of the call's schema, in order.
    pub columns: Vec<ColumnFormat>,
    /// How the values of the call's metric are shown.
    pub value_format: ColumnFormat,
    /// The metric's label, e.g. "Error rate" (empty: no metric).
    pub metric_label: String,
    /// Whether a higher value of the metric is good news.
    pub higher_is_better: bool,
    /// Configured category colours: (label, `#rrggbb`).
    pub category_colors: Vec<(String, String)>,
    /// The partial buckets of the call's series (none: every bucket whole).
    pub partial_buckets: PartialBuckets,
}

impl Default for Display {
    /// No formats, higher is better, no colours.
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            value_format: ColumnFormat::default(),
            metric_label: String::new(),
            higher_is_better: true,
            category_colors: Vec::new(),
            partial_buckets: PartialBuckets::default(),
        }
    }
}

fn column_format(f: &ColumnFormat) -> wit::ColumnFormat {
    use ColumnFormatKind as K;
    use wit::ColumnFormatKind as W;
    wit::ColumnFormat {
        kind: match f.kind {
            K::Plain => W::Plain,
            K::Number => W::Number,
            K::Id => W::Id,
            K::Percent => W::Percent,
            K::Currency => W::Currency,
            K::Duration => W::Duration,
            K::Date => W::Date,
            K::DateTime => W::DateTime,
        },
        unit: f.unit.clone(),
        decimals: f.decimals,
    }
}

impl Host for HostState {
    fn columns(&mut self) -> Vec<wit::ColumnFormat> {
        self.display.columns.iter().map(column_format).collect()
    }

    fn value_format(&mut self) -> wit::ColumnFormat {
        column_format(&self.display.value_format)
    }

    fn metric_label(&mut self) -> String {
        self.display.metric_label.clone()
    }

    fn higher_is_better(&mut self) -> bool {
        self.display.higher_is_better
    }

    fn category_colors(&mut self) -> Vec<(String, String)> {
        self.display.category_colors.clone()
    }
}

impl guest_buckets::Host for HostState {
    fn partial(&mut self) -> Vec<i64> {
        self.display.partial_buckets.current.clone()
    }

    fn partial_previous(&mut self) -> Vec<i64> {
        self.display.partial_buckets.previous.clone()
    }
}
