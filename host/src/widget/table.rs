//! Sorting and paging a table widget from the browser.
//!
//! The `data-table` plugin marks its header and pager buttons with
//! `data-wd-sort`/`data-wd-dir` and `data-wd-offset`. The sanitizer strips
//! htmx attributes from plugin HTML, so the host's `app.js` turns a click
//! into a request for the widget fragment with `sort_column`,
//! `sort_direction` and `offset` parameters. Here those parameters are
//! checked against the widget's columns and applied to a copy of its
//! config: the rows query and the plugin both read the same keys, so the
//! order in the database and the `aria-sort` on screen always agree.

use serde_json::Value;

use super::binding::{WidgetQuery, query_for};
use super::error::WidgetError;
use crate::data::DataEngine;
use crate::frame::DataShape;
use crate::plugins::WidgetPlugin;
use crate::store::Widget;

/// What the browser asked for, before validation.
#[derive(Debug, Default, Clone, Copy)]
pub struct TableRequest<'a> {
    /// Column to sort by.
    pub sort_column: Option<&'a str>,
    /// `asc` or `desc`.
    pub sort_direction: Option<&'a str>,
    /// First row shown, 0-based.
    pub offset: Option<u64>,
}

impl TableRequest<'_> {
    /// Whether the request asks for anything.
    pub fn is_empty(&self) -> bool {
        self.sort_column.is_none_or(str::is_empty)
            && self.sort_direction.is_none_or(str::is_empty)
            && self.offset.is_none()
    }
}

/// Apply a validated table request to `widget`: returns the widget with the
/// sort written into its config and the page to show.
///
/// Refuses ([`WidgetError::BadRequest`]) sorting a widget that does not show rows, a column the
/// widget does not show, a direction other than `asc`/`desc`, and an offset
/// that is not a multiple of the page size.
pub(crate) fn apply(
    data: &DataEngine,
    plugin: &WidgetPlugin,
    widget: &Widget,
    request: TableRequest<'_>,
    page: u64,
) -> Result<(Widget, u64), WidgetError> {
    if request.is_empty() {
        return Ok((widget.clone(), page));
    }
    let bad = WidgetError::BadRequest;
    if plugin.shape() != DataShape::Rows {
        return Err(bad(format!(
            "widget {:?} does not show rows, so it cannot be sorted or paged",
            widget.title
        )));
    }
    let WidgetQuery::Rows {
        dataset,
        columns,
        page_size,
        ..
    } = query_for(plugin, &widget.config).map_err(|e| bad(e.to_string()))?
    else {
        return Err(bad("this widget cannot be sorted or paged".into()));
    };
    let mut widget = widget.clone();
    let config = widget
        .config
        .as_object_mut()
        .ok_or_else(|| bad("the widget's config is not an object".into()))?;
    if let Some(column) = request.sort_column.filter(|c| !c.is_empty()) {
        let shown = shown_columns(data, &dataset, &columns);
        if !shown.iter().any(|c| c == column) {
            return Err(bad(format!(
                "cannot sort by {:?}: the table shows {}",
                column.chars().take(64).collect::<String>(),
                shown.join(", ")
            )));
        }
        config.insert("sort_column".into(), Value::from(column));
        // An older `order_by` key must not win over the click.
        config.remove("order_by");
        config.remove("descending");
    }
    if let Some(direction) = request.sort_direction.filter(|d| !d.is_empty()) {
        if !matches!(direction, "asc" | "desc") {
            return Err(bad("sort_direction must be asc or desc".into()));
        }
        config.insert("sort_direction".into(), Value::from(direction));
    }
    let page = match request.offset {
        None => page,
        Some(offset) => {
            let size = u64::from(page_size);
            if offset % size != 0 {
                return Err(bad(format!(
                    "offset {offset} is not at the start of a page of {size} rows"
                )));
            }
            offset / size
        }
    };
    Ok((widget, page))
}

/// The columns a table widget shows: its configured ones, else all of the
/// dataset's.
fn shown_columns(data: &DataEngine, dataset: &str, configured: &[String]) -> Vec<String> {
    if !configured.is_empty() {
        return configured.to_vec();
    }
    data.datasets()
        .into_iter()
        .find(|d| d.name == dataset)
        .map(|d| d.columns.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_request_asks_for_nothing() {
        assert!(TableRequest::default().is_empty());
        assert!(
            TableRequest {
                sort_column: Some(""),
                ..Default::default()
            }
            .is_empty()
        );
        assert!(
            !TableRequest {
                offset: Some(0),
                ..Default::default()
            }
            .is_empty()
        );
    }
}
