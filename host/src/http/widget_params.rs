//! The query of a widget request (pages and API alike): the dashboard's
//! range, a table widget's page and sort, and the size the widget is shown
//! at.

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
    /// Width of the widget's body in CSS pixels (the page measures it), so
    /// charts are drawn at their real size; with `height`.
    #[serde(default)]
    pub width: Option<u32>,
    /// Height of the widget's body in CSS pixels; with `width`.
    #[serde(default)]
    pub height: Option<u32>,
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
            size: box_size(self.width, self.height),
            page: self.page.unwrap_or(0),
            table: TableRequest {
                sort_column: self.sort_column.as_deref(),
                sort_direction: self.sort_direction.as_deref(),
                offset: self.offset,
            },
        }
    }
}

/// The size a widget is drawn at: both of `width` and `height` (CSS
/// pixels, 1 to 4096) or neither (the widget's grid size then).
pub fn box_size(width: Option<u32>, height: Option<u32>) -> Result<Option<(u32, u32)>, String> {
    let check = |name: &str, v: u32| {
        if (1..=MAX_SIDE).contains(&v) {
            Ok(v)
        } else {
            Err(format!(
                "`{name}` must be between 1 and {MAX_SIDE} (CSS pixels), not {v}"
            ))
        }
    };
    match (width, height) {
        (None, None) => Ok(None),
        (Some(w), Some(h)) => Ok(Some((check("width", w)?, check("height", h)?))),
        _ => Err("`width` and `height` go together: give both or neither".into()),
    }
}

/// Largest widget side a request may ask for, in CSS pixels.
const MAX_SIDE: u32 = 4096;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_is_both_sides_in_range_or_none() {
        assert_eq!(box_size(None, None), Ok(None));
        assert_eq!(box_size(Some(640), Some(300)), Ok(Some((640, 300))));
        assert!(box_size(Some(640), None).unwrap_err().contains("together"));
        assert!(
            box_size(Some(0), Some(300))
                .unwrap_err()
                .contains("`width`")
        );
        assert!(
            box_size(Some(10), Some(5000))
                .unwrap_err()
                .contains("`height`")
        );
    }
}
