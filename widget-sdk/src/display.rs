//! How the dashboard shows the data of the current call, so your plugin can
//! show it the same way: each column's display format, the format of the
//! metric's values, which way is good news, and configured category
//! colours and the metric's label (the `display` import, WIT 0.1.2).
//!
//! An exporter asks from `open` or `begin_section`: the answers describe
//! that schema, in schema order. A widget or alert rule asks from `render`
//! or `evaluate`. The host answers with defaults when it has nothing to say
//! (no column formats, a plain value format, higher is better, no colours).
//!
//! In unit tests the answers come from
//! [`testing::with_display`](crate::testing::with_display); natively,
//! without it, the defaults.
//!
//! ```no_run
//! use wasmdash_plugin_sdk::{display, Value};
//! let formats = display::columns();
//! let shown = formats
//!     .first()
//!     .map_or_else(String::new, |f| f.text(Value::Float(0.034), 0));
//! ```

pub use crate::wit::display::{ColumnFormat, ColumnFormatKind};
use crate::{FormatKind, Value, ValueFormat, format, time};

/// The display format of each column of the current schema (may be empty).
pub fn columns() -> Vec<ColumnFormat> {
    imp::columns()
}

/// How the current metric's values are shown.
pub fn value_format() -> ColumnFormat {
    imp::value_format()
}

/// The current metric's label as the dashboard shows it (may be empty).
pub fn metric_label() -> String {
    imp::metric_label()
}

/// Whether a higher value of the current metric is good news.
pub fn higher_is_better() -> bool {
    imp::higher_is_better()
}

/// Configured colours of the current categories: (label, `#rrggbb`).
pub fn category_colors() -> Vec<(String, String)> {
    imp::category_colors()
}

/// Everything the host answers, at once: what
/// [`testing::with_display`](crate::testing::with_display) sets in tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Display {
    /// See [`columns`].
    pub columns: Vec<ColumnFormat>,
    /// See [`value_format`].
    pub value_format: ColumnFormat,
    /// See [`metric_label`].
    pub metric_label: String,
    /// See [`higher_is_better`].
    pub higher_is_better: bool,
    /// See [`category_colors`].
    pub category_colors: Vec<(String, String)>,
}

impl Default for Display {
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            value_format: ColumnFormat::plain(),
            metric_label: String::new(),
            higher_is_better: true,
            category_colors: Vec::new(),
        }
    }
}

impl ColumnFormat {
    /// Values as they come.
    pub fn plain() -> Self {
        Self::of(ColumnFormatKind::Plain, "", None)
    }

    /// A format of `kind` with `unit` and `decimals`.
    pub fn of(kind: ColumnFormatKind, unit: &str, decimals: Option<u8>) -> Self {
        Self {
            kind,
            unit: unit.to_owned(),
            decimals,
        }
    }

    /// Whether the format says nothing (values as they come).
    pub fn is_plain(&self) -> bool {
        self.kind == ColumnFormatKind::Plain
    }

    /// A number as this format shows it (`0.034` → `3.4%` for a percent
    /// column, `9268.9` → `2h 34m` for a duration in seconds).
    pub fn number(&self, v: f64) -> String {
        let d = self.decimals;
        match self.kind {
            ColumnFormatKind::Plain => format::number(v, d),
            ColumnFormatKind::Number if self.unit.is_empty() => format::number(v, d),
            ColumnFormatKind::Number => format!("{} {}", format::number(v, d), self.unit),
            ColumnFormatKind::Id if v.is_finite() && v.fract() == 0.0 => format!("{v:.0}"),
            ColumnFormatKind::Id => v.to_string(),
            ColumnFormatKind::Percent => format::percent(v, d),
            ColumnFormatKind::Currency => format::currency(v, &self.unit, d),
            ColumnFormatKind::Duration if self.unit.eq_ignore_ascii_case("ms") => {
                format::duration(v / 1000.0)
            }
            ColumnFormatKind::Duration => format::duration(v),
            ColumnFormatKind::Date => time::date_time(v as i64, 0)
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_owned(),
            ColumnFormatKind::DateTime => time::date_time(v as i64, 0),
        }
    }

    /// A number shortened for axis labels and tight spaces (`1.2K`,
    /// `$25K`, `3%`, `2h 34m`).
    pub fn compact(&self, v: f64) -> String {
        match self.kind {
            ColumnFormatKind::Plain | ColumnFormatKind::Number | ColumnFormatKind::Id => {
                format::compact(v)
            }
            ColumnFormatKind::Currency => format::value_compact(
                v,
                &ValueFormat {
                    kind: FormatKind::Currency,
                    unit: self.unit.clone(),
                    decimals: self.decimals,
                },
            ),
            _ => self.number(v),
        }
    }

    /// One cell as this format shows it; timestamps in `offset_minutes`.
    /// Null is empty; text and booleans are shown as they are.
    pub fn text(&self, v: Value<'_>, offset_minutes: i32) -> String {
        match (v, self.kind) {
            (Value::Null, _) => String::new(),
            (Value::Timestamp(ms), ColumnFormatKind::Date) => {
                let t = time::civil(ms, offset_minutes);
                format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
            }
            (Value::Timestamp(ms), _) => time::date_time(ms, offset_minutes),
            (Value::Int(i), ColumnFormatKind::Plain | ColumnFormatKind::Id) => {
                if self.kind == ColumnFormatKind::Id {
                    i.to_string()
                } else {
                    format::number(i as f64, Some(0))
                }
            }
            (Value::Int(i), _) => self.number(i as f64),
            (Value::Float(f), _) => self.number(f),
            (Value::Bool(b), _) => if b { "yes" } else { "no" }.into(),
            (Value::Text(s), _) => s.to_owned(),
        }
    }
}

impl From<&ValueFormat> for ColumnFormat {
    fn from(f: &ValueFormat) -> Self {
        let kind = match f.kind {
            FormatKind::Number => ColumnFormatKind::Number,
            FormatKind::Percent => ColumnFormatKind::Percent,
            FormatKind::Currency => ColumnFormatKind::Currency,
            FormatKind::Duration => ColumnFormatKind::Duration,
        };
        Self::of(kind, &f.unit, f.decimals)
    }
}

/// Where the answers come from: a test's override when one is set (see
/// [`testing::with_display`](crate::testing::with_display)), else the host
/// (in wasm) or the defaults (native).
pub(crate) mod imp {
    use std::cell::RefCell;

    use super::{ColumnFormat, Display};

    thread_local! {
        static OVERRIDE: RefCell<Option<Display>> = const { RefCell::new(None) };
    }

    /// Answer with `display` while `f` runs.
    pub(crate) fn with<R>(display: Display, f: impl FnOnce() -> R) -> R {
        let before = OVERRIDE.with(|c| c.replace(Some(display)));
        let result = f();
        OVERRIDE.with(|c| c.replace(before));
        result
    }

    fn answer<R>(test: impl FnOnce(&Display) -> R, host: impl FnOnce() -> R) -> R {
        OVERRIDE
            .with(|c| c.borrow().as_ref().map(test))
            .unwrap_or_else(host)
    }

    #[cfg(target_arch = "wasm32")]
    use crate::wit::display as host;

    /// Native builds have no host: the defaults.
    #[cfg(not(target_arch = "wasm32"))]
    mod host {
        use super::{ColumnFormat, Display};

        pub(super) fn columns() -> Vec<ColumnFormat> {
            Display::default().columns
        }
        pub(super) fn value_format() -> ColumnFormat {
            Display::default().value_format
        }
        pub(super) fn metric_label() -> String {
            Display::default().metric_label
        }
        pub(super) fn higher_is_better() -> bool {
            Display::default().higher_is_better
        }
        pub(super) fn category_colors() -> Vec<(String, String)> {
            Display::default().category_colors
        }
    }

    pub(super) fn columns() -> Vec<ColumnFormat> {
        answer(|d| d.columns.clone(), host::columns)
    }

    pub(super) fn value_format() -> ColumnFormat {
        answer(|d| d.value_format.clone(), host::value_format)
    }

    pub(super) fn metric_label() -> String {
        answer(|d| d.metric_label.clone(), host::metric_label)
    }

    pub(super) fn higher_is_better() -> bool {
        answer(|d| d.higher_is_better, host::higher_is_better)
    }

    pub(super) fn category_colors() -> Vec<(String, String)> {
        answer(|d| d.category_colors.clone(), host::category_colors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnFormatKind as K;

    #[test]
    fn cells_follow_their_format() {
        let f = ColumnFormat::of;
        assert_eq!(
            f(K::Percent, "", Some(1)).text(Value::Float(0.034), 0),
            "3.4%"
        );
        assert_eq!(
            f(K::Duration, "s", None).text(Value::Float(9268.95), 0),
            "2h 34m"
        );
        assert_eq!(f(K::Duration, "ms", None).text(Value::Int(1500), 0), "1.5s");
        assert_eq!(
            f(K::Currency, "USD", None).text(Value::Float(1234.5), 0),
            "$1,234.50"
        );
        assert_eq!(f(K::Id, "", None).text(Value::Int(1_000_000), 0), "1000000");
        assert_eq!(
            ColumnFormat::plain().text(Value::Int(1_000_000), 0),
            "1,000,000"
        );
        assert_eq!(
            f(K::Date, "", None).text(Value::Timestamp(86_400_000), 60),
            "1970-01-02"
        );
        assert_eq!(f(K::Number, "orders", Some(0)).number(12.0), "12 orders");
        assert_eq!(f(K::Currency, "USD", Some(0)).compact(25_000.0), "$25K");
        assert_eq!(ColumnFormat::plain().compact(1234.0), "1.2K");
        assert_eq!(f(K::Percent, "", None).text(Value::Null, 0), "");
        assert_eq!(f(K::Percent, "", None).text(Value::Text("n/a"), 0), "n/a");
    }

    #[test]
    fn tests_set_what_the_host_would_answer() {
        assert!(higher_is_better() && columns().is_empty());
        let display = Display {
            higher_is_better: false,
            columns: vec![ColumnFormat::of(K::Percent, "", None)],
            ..Display::default()
        };
        imp::with(display, || {
            assert!(!higher_is_better());
            assert_eq!(columns()[0].kind, K::Percent);
        });
        assert!(higher_is_better());
    }
}
