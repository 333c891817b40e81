//! How a column's values are shown: the display format a dataset column or
//! a metric declares, handed to plugins (the `display` import of the WIT)
//! so tables, exports and charts show values the same way.

use serde::{Deserialize, Serialize};

use crate::{FormatKind, ValueFormat};

/// The kind of a column's display format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnFormatKind {
    /// As the value comes: numbers with thousands separators, text as is.
    #[default]
    Plain,
    /// A number, with its unit after it when one is given.
    Number,
    /// An integer identifier, shown without thousands separators.
    Id,
    /// A ratio shown as percent (0.034 → 3.4%).
    Percent,
    /// Money; the unit is the ISO 4217 code.
    Currency,
    /// A duration; the unit is `s` (the default) or `ms`.
    Duration,
    /// A timestamp shown as a date.
    Date,
    /// A timestamp shown as date and time.
    #[serde(rename = "datetime", alias = "date_time")]
    DateTime,
}

/// How one column's values are shown.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ColumnFormat {
    /// The kind of format.
    pub kind: ColumnFormatKind,
    /// Unit, currency code or duration unit; may be empty.
    pub unit: String,
    /// Decimals to show; `None` lets the plugin choose.
    pub decimals: Option<u8>,
}

impl ColumnFormat {
    /// A format of `kind` without unit or decimals.
    pub fn of(kind: ColumnFormatKind) -> Self {
        Self {
            kind,
            ..Self::default()
        }
    }
}

impl ColumnFormatKind {
    /// The name the config writes it with (`datetime`, `currency`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Number => "number",
            Self::Id => "id",
            Self::Percent => "percent",
            Self::Currency => "currency",
            Self::Duration => "duration",
            Self::Date => "date",
            Self::DateTime => "datetime",
        }
    }
}

impl ColumnFormat {
    /// A short description for pickers: `currency USD`, `id`, `duration`;
    /// empty for a plain format.
    pub fn describe(&self) -> String {
        match (self.kind, self.unit.as_str()) {
            (ColumnFormatKind::Plain, _) => String::new(),
            (kind, "") => kind.name().to_owned(),
            (kind, unit) => format!("{} {unit}", kind.name()),
        }
    }
}

impl From<&ValueFormat> for ColumnFormat {
    fn from(f: &ValueFormat) -> Self {
        Self {
            kind: match f.kind {
                FormatKind::Number => ColumnFormatKind::Number,
                FormatKind::Percent => ColumnFormatKind::Percent,
                FormatKind::Currency => ColumnFormatKind::Currency,
                FormatKind::Duration => ColumnFormatKind::Duration,
            },
            unit: f.unit.clone(),
            decimals: f.decimals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_format_becomes_a_column_format() {
        let f = ValueFormat {
            kind: FormatKind::Currency,
            unit: "USD".into(),
            decimals: Some(0),
        };
        let c = ColumnFormat::from(&f);
        assert_eq!(
            (c.kind, c.unit.as_str(), c.decimals),
            (ColumnFormatKind::Currency, "USD", Some(0))
        );
        assert_eq!(ColumnFormat::default().kind, ColumnFormatKind::Plain);
        assert_eq!(c.describe(), "currency USD");
        assert_eq!(
            ColumnFormat::of(ColumnFormatKind::DateTime).describe(),
            "datetime"
        );
        assert_eq!(ColumnFormat::default().describe(), "");
    }
}
