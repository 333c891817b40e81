//! The query of a widget request (pages and API alike): the dashboard's
//! range, and a table widget's page and sort.

use serde::Deserialize;

use crate::data::RangeSpec;
use crate::widget::{TableRequest, ViewRequest};

/// Query parameters of a widget request.
#[derive(Debug, Default, Deserialize)]
pub struct WidgetParams {
    /// Time range, e.g. `30d` or `custom`.
    #[serde(default)]
    pub range: Option<String>,
    /// Start of a custom range.
    #[serde(default)]
    pub from: Option<String>,
    /// End of a custom range.
    #[serde(default)]
    pub to: Option<String>,
    /// Page of a table widget, 0-based.
    #[serde(default)]
    pub page: Option<u64>,
    /// Column a table widget is sorted by (overrides its config).
    #[serde(default)]
    pub sort_column: Option<String>,
    /// `asc` or `desc` (overrides its config).
    #[serde(default)]
    pub sort_direction: Option<String>,
    /// First row a table widget shows; a multiple of its page size.
    #[serde(default)]
    pub offset: Option<u64>,
}

impl WidgetParams {
    /// What the widget service needs.
    pub fn view_request(&self) -> ViewRequest<'_> {
        let range = range_from(
            self.range.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
        );
        ViewRequest {
            range,
            page: self.page.unwrap_or(0),
            table: TableRequest {
                sort_column: self.sort_column.as_deref(),
                sort_direction: self.sort_direction.as_deref(),
                offset: self.offset,
            },
        }
    }
}

/// The dashboard-wide range of a page request: a preset name, or
/// `custom` with `from` and `to`; [`RangeSpec::DEFAULT`] when none.
pub fn range_from(
    range: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<RangeSpec, String> {
    let Some(range) = range.filter(|r| !r.is_empty()) else {
        return Ok(RangeSpec::DEFAULT);
    };
    let spec = if range == "custom" {
        match (from.filter(|s| !s.is_empty()), to.filter(|s| !s.is_empty())) {
            (Some(from), Some(to)) => RangeSpec::absolute(from, to),
            _ => return Err("a custom range needs both a start and an end".into()),
        }
    } else {
        range.parse::<RangeSpec>()
    };
    spec.map_err(|e| e.to_string())
}
