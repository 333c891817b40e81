//! A dashboard report: one titled part per widget, each with the chart
//! kind the exporter should draw, the widget's data as a table, and how the
//! dashboard shows those values (formats, direction).
//!
//! A table widget brings the rows it shows on its first page (its
//! `page_size`), like the dashboard; a full report brings up to
//! [`REPORT_TABLE_ROWS`] of them.
//!
//! Everything here is aggregated or capped, so the parts are read before
//! the export starts. A widget whose data cannot be read becomes a part
//! with a note saying why, rather than failing the whole report.

use futures::StreamExt as _;

use super::looks;
use super::tables::{self, Table};
use crate::data::{DataEngine, DataRequest, RangeSpec, RowsQuery};
use crate::frame::{DataShape, WidgetData};
use crate::plugins::{ChartKind, Display, PluginRegistry};
use crate::store::Widget;
use crate::widget::{WidgetQuery, fetch, query_for};

/// Rows of a table widget put into a full report at most.
pub const REPORT_TABLE_ROWS: u64 = 1_000;

/// Widgets of a report whose data is read at the same time.
const REPORT_CONCURRENCY: usize = 4;

/// The widget plugin drawn as a pie rather than bars.
const PIE_PLUGINS: &[&str] = &["status-pie"];

/// One part of a report.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub(crate) title: String,
    pub(crate) chart: ChartKind,
    pub(crate) table: Table,
    /// How the dashboard shows the table's values.
    pub(crate) display: Display,
}

/// How a widget's data is drawn in a report.
pub(crate) fn chart_kind(shape: DataShape, plugin: &str) -> ChartKind {
    match shape {
        DataShape::Series => ChartKind::Line,
        DataShape::Categories if PIE_PLUGINS.contains(&plugin) => ChartKind::Pie,
        DataShape::Categories => ChartKind::Bar,
        DataShape::Scalar => ChartKind::Value,
        DataShape::Rows => ChartKind::None,
    }
}

/// Widgets in reading order: tab, then row, then column.
pub(crate) fn layout_order(widgets: &[Widget]) -> Vec<&Widget> {
    let mut ordered: Vec<&Widget> = widgets.iter().collect();
    ordered.sort_by_key(|w| (w.tab, w.y, w.x));
    ordered
}

/// How many rows of a table widget a report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableRows {
    /// The widget's own page size, as on the dashboard.
    #[default]
    Page,
    /// Up to [`REPORT_TABLE_ROWS`].
    Full,
}

/// The parts of a report over `widgets` for `range`.
pub(crate) async fn sections(
    data: &DataEngine,
    plugins: &PluginRegistry,
    widgets: &[Widget],
    range: &RangeSpec,
    rows: TableRows,
) -> Vec<Section> {
    // A report is background work: it may not take the connections people
    // waiting on pages need.
    crate::data::in_background(sections_in_class(data, plugins, widgets, range, rows)).await
}

async fn sections_in_class(
    data: &DataEngine,
    plugins: &PluginRegistry,
    widgets: &[Widget],
    range: &RangeSpec,
    rows: TableRows,
) -> Vec<Section> {
    // Scalars and series first, together: shared scans per dataset.
    let requests: Vec<DataRequest> = widgets
        .iter()
        .filter_map(|w| {
            let plugin = plugins.widget(&w.plugin).ok()?;
            query_for(&plugin, &w.config).ok()?.data_request()
        })
        .collect();
    data.load_together(&requests, range).await;
    // Widgets are read a few at a time (the database pool bounds it too),
    // and come back in layout order.
    let parts: Vec<_> = layout_order(widgets)
        .into_iter()
        .map(|w| section_or_note(data, plugins, w, range, rows))
        .collect();
    futures::stream::iter(parts)
        .buffered(REPORT_CONCURRENCY)
        .collect()
        .await
}

/// The part of widget `w`, or a part saying why its data is missing.
async fn section_or_note(
    data: &DataEngine,
    plugins: &PluginRegistry,
    w: &Widget,
    range: &RangeSpec,
    rows: TableRows,
) -> Section {
    match section(data, plugins, w, range, rows).await {
        Ok(s) => s,
        Err(why) => Section {
            title: w.title.clone(),
            chart: ChartKind::None,
            table: tables::note(&format!("no data: {why}")),
            display: Display::default(),
        },
    }
}

async fn section(
    data: &DataEngine,
    plugins: &PluginRegistry,
    w: &Widget,
    range: &RangeSpec,
    rows: TableRows,
) -> Result<Section, String> {
    let plugin = plugins.widget(&w.plugin).map_err(|e| e.to_string())?;
    let shape = plugin.shape();
    let query = query_for(&plugin, &w.config).map_err(|e| e.to_string())?;
    let mut title = w.title.clone();
    let engine = data;
    let data = match query {
        WidgetQuery::Rows {
            dataset,
            columns,
            order_by,
            descending,
            page_size,
        } => {
            let limit = match rows {
                TableRows::Page => u64::from(page_size).min(REPORT_TABLE_ROWS),
                TableRows::Full => REPORT_TABLE_ROWS,
            };
            let q = RowsQuery {
                columns,
                range: Some(*range),
                filters: Vec::new(),
                order_by,
                descending,
                limit: Some(limit),
                offset: 0,
            };
            let rows = data.rows(&dataset, &q).await.map_err(|e| describe(&e))?;
            if let Some(total) = rows.total_rows.filter(|t| *t > limit) {
                title = format!("{title} (first {limit} of {total} rows)");
            }
            WidgetData::Rows(rows)
        }
        query => fetch(data, &query, range, 0)
            .await
            .map_err(|e| describe(&e))?,
    };
    let display = looks::of_widget(engine, w, &data);
    let dimension = looks::dimension_label(engine, w, &data);
    Ok(Section {
        title,
        chart: chart_kind(shape, &w.plugin),
        table: tables::of(data, dimension.as_deref()),
        display,
    })
}

fn describe(e: &crate::data::DataError) -> String {
    if !e.is_user_error() {
        tracing::error!(error = %e, "report widget query failed");
    }
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(id: &str, tab: u32, x: u32, y: u32) -> Widget {
        Widget {
            id: id.into(),
            plugin: "metric-card".into(),
            title: id.into(),
            config: serde_json::json!({}),
            x,
            y,
            w: 1,
            h: 1,
            tab,
        }
    }

    #[test]
    fn widgets_read_tab_by_tab_row_by_row() {
        let ws = [
            w("c", 0, 6, 2),
            w("d", 1, 0, 0),
            w("a", 0, 0, 0),
            w("b", 0, 6, 0),
        ];
        let ids: Vec<&str> = layout_order(&ws).iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
    }

    #[test]
    fn chart_follows_data_shape_and_pie_plugin() {
        assert_eq!(
            chart_kind(DataShape::Series, "trend-chart"),
            ChartKind::Line
        );
        assert_eq!(
            chart_kind(DataShape::Categories, "bar-chart"),
            ChartKind::Bar
        );
        assert_eq!(
            chart_kind(DataShape::Categories, "status-pie"),
            ChartKind::Pie
        );
        assert_eq!(
            chart_kind(DataShape::Scalar, "metric-card"),
            ChartKind::Value
        );
        assert_eq!(chart_kind(DataShape::Rows, "data-table"), ChartKind::None);
    }
}
