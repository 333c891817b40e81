//! [`WidgetService`]: render one widget for one user, with the data rules
//! applied, or say why not.

use std::sync::Arc;

use chrono::{Offset, TimeZone, Utc};

use super::binding::{WidgetQuery, query_for};
use super::fetch::fetch;
use super::schema::WidgetSchemas;
use crate::auth::DataAccess;
use crate::data::MetricInfo;
use crate::data::config::Good;
use crate::data::{DataEngine, DataError, DataRequest, RangeSpec};
use crate::frame::{ColumnFormat, DataShape, PartialBuckets, WidgetData};
use crate::plugins::{Display, PluginError, PluginRegistry, RenderContext};
use crate::store::{Dashboard, User, Widget};

/// What a widget whose data the viewer may not read shows instead.
pub const NOT_PERMITTED: &str = "Not permitted: you may not see the data this widget shows.";

/// Binds widgets to data and renders them with their plugins.
#[derive(Debug, Clone)]
pub struct WidgetService {
    data: Arc<DataEngine>,
    plugins: Arc<PluginRegistry>,
    schemas: Arc<WidgetSchemas>,
    access: DataAccess,
    locale: String,
}

impl WidgetService {
    /// A service over the data engine and plugins, reading data as
    /// `access` allows and rendering for `locale` (e.g. `en-US`); a
    /// widget whose config does not fit `schemas` shows why instead.
    pub fn new(
        data: Arc<DataEngine>,
        plugins: Arc<PluginRegistry>,
        schemas: Arc<WidgetSchemas>,
        access: DataAccess,
        locale: String,
    ) -> Self {
        Self {
            data,
            plugins,
            schemas,
            access,
            locale,
        }
    }

    pub(super) fn data(&self) -> &DataEngine {
        &self.data
    }

    pub(super) fn plugins(&self) -> &PluginRegistry {
        &self.plugins
    }

    /// The data shape `widget`'s plugin renders; `None` when the plugin is
    /// missing (its error card says so).
    pub fn shape(&self, widget: &Widget) -> Option<DataShape> {
        Some(self.plugins.widget(&widget.plugin).ok()?.shape())
    }

    /// Whether `user` may read the data `widget` shows (a widget whose
    /// plugin or config is broken reads nothing; its error card says why).
    pub fn may_read(&self, user: &User, widget: &Widget) -> bool {
        let Ok(plugin) = self.plugins.widget(&widget.plugin) else {
            return true;
        };
        match query_for(&plugin, &widget.config) {
            Ok(query) => self.may_read_query(user, &query),
            Err(_) => true,
        }
    }

    fn may_read_query(&self, user: &User, query: &WidgetQuery) -> bool {
        match query {
            WidgetQuery::Scalar { metric, .. }
            | WidgetQuery::Series { metric, .. }
            | WidgetQuery::Categories { metric, .. } => self.access.may_read_metric(user, metric),
            WidgetQuery::Rows { dataset, .. } => self.access.may_read_dataset(user, dataset),
        }
    }

    /// Start loading every scalar and series of `dashboard` over `range`
    /// together, so the widget requests of one page load (each its own
    /// request) find their data in shared scans instead of scanning the
    /// same table once each. The first request claims everything; the
    /// others wait for their piece or find it cached.
    pub fn prefetch(&self, dashboard: &Dashboard, range: &RangeSpec) {
        let requests: Vec<DataRequest> = dashboard
            .content
            .widgets
            .iter()
            .filter_map(|w| {
                let plugin = self.plugins.widget(&w.plugin).ok()?;
                query_for(&plugin, &w.config).ok()?.data_request()
            })
            .collect();
        if !requests.is_empty() {
            self.data.prefetch(&requests, range);
        }
    }

    /// Render `widget` for `user` to (unsanitized) plugin HTML at `size`
    /// (CSS pixels of the widget's body, as the page measured it; else an
    /// estimate from its grid size), or a message saying why not.
    pub async fn render(
        &self,
        user: &User,
        widget: &Widget,
        range: &RangeSpec,
        page: u64,
        size: Option<(u32, u32)>,
    ) -> Result<String, String> {
        let plugin = self
            .plugins
            .widget(&widget.plugin)
            .map_err(|e| e.to_string())?;
        // A stored widget that no longer fits (an unknown key, a metric
        // gone from the config) says what is wrong instead of guessing.
        self.schemas.check(widget).map_err(|e| e.to_string())?;
        let query = query_for(&plugin, &widget.config).map_err(|e| e.to_string())?;
        if !self.may_read_query(user, &query) {
            return Err(NOT_PERMITTED.into());
        }
        let data = fetch(&self.data, &query, range, page)
            .await
            .map_err(|e| describe_data_error(&e))?;
        let tz = self.data.timezone();
        let resolved = range
            .resolve(Utc::now(), tz)
            .map_err(|e| describe_data_error(&e))?;
        let end = Utc
            .timestamp_millis_opt(resolved.current.end_ms)
            .single()
            .unwrap_or_else(Utc::now);
        let offset = tz.offset_from_utc_datetime(&end.naive_utc()).fix();
        let (width, height) = size.unwrap_or_else(|| grid_size(widget));
        let context = RenderContext {
            width,
            height,
            time_range: resolved.current,
            timezone: tz.name().to_owned(),
            utc_offset_minutes: offset.local_minus_utc() / 60,
            locale: self.locale.clone(),
        };
        let config = with_direction(
            &widget.config,
            plugin.info().meta.config_schema.json(),
            |m| {
                self.data
                    .metrics()
                    .into_iter()
                    .find(|i| i.name == m)
                    .map(|i| i.good)
            },
        )
        .to_string();
        let metric = widget
            .config
            .get("metric")
            .and_then(serde_json::Value::as_str)
            .and_then(|m| self.data.metrics().into_iter().find(|i| i.name == m));
        let display = display_of(&widget.config, metric.as_ref(), &data);
        plugin
            .render_with(&config, &data, &context, &display)
            .await
            .map_err(|e: PluginError| e.to_string())
    }
}

/// What the `display` import answers while a widget renders `data`: its
/// metric's value format and label, whether a rise is good news (the
/// widget's own `higher_is_better`, else the metric's `good`), the
/// configured formats of a table's columns and the configured colours of
/// the categories; and what the `buckets` import answers: a series'
/// partial buckets.
fn display_of(
    config: &serde_json::Value,
    metric: Option<&MetricInfo>,
    data: &WidgetData,
) -> Display {
    let format = match data {
        WidgetData::Scalar(d) => Some(&d.format),
        WidgetData::Series(d) => Some(&d.format),
        WidgetData::Categories(d) => Some(&d.format),
        WidgetData::Rows(_) => None,
    };
    let higher_is_better = config
        .get("higher_is_better")
        .and_then(serde_json::Value::as_bool)
        .or(metric.map(|m| m.good == Good::Up))
        .unwrap_or(true);
    let columns = match data {
        WidgetData::Rows(r) => r.schema.iter().map(|c| c.format.clone()).collect(),
        _ => Vec::new(),
    };
    let category_colors = match (data, metric) {
        (WidgetData::Categories(c), Some(m)) => m.category_colors(&c.dimension),
        _ => Vec::new(),
    };
    let partial_buckets = match data {
        WidgetData::Series(d) => d.partial.clone(),
        WidgetData::Scalar(d) => PartialBuckets {
            current: d.sparkline_partial.clone(),
            previous: Vec::new(),
        },
        _ => PartialBuckets::default(),
    };
    Display {
        columns,
        value_format: format.map(ColumnFormat::from).unwrap_or_default(),
        metric_label: metric.map(|m| m.label.clone()).unwrap_or_default(),
        higher_is_better,
        category_colors,
        partial_buckets,
    }
}

/// `config` with `higher_is_better` filled from its metric's `good`
/// direction, when the plugin takes that key and the widget does not set
/// it: the metric's declaration is the default, the widget may override.
fn with_direction(
    config: &serde_json::Value,
    schema: &serde_json::Value,
    good_of: impl FnOnce(&str) -> Option<Good>,
) -> serde_json::Value {
    let takes_it = schema.pointer("/properties/higher_is_better").is_some();
    let Some(object) = config.as_object() else {
        return config.clone();
    };
    if !takes_it || object.contains_key("higher_is_better") {
        return config.clone();
    }
    let Some(good) = object
        .get("metric")
        .and_then(serde_json::Value::as_str)
        .and_then(good_of)
    else {
        return config.clone();
    };
    let mut object = object.clone();
    object.insert(
        "higher_is_better".into(),
        serde_json::Value::Bool(good == Good::Up),
    );
    serde_json::Value::Object(object)
}

/// The body size of `widget` on a 1440 px wide screen, for a request that
/// did not measure it: 12 columns of ~115 px, rows of 90 px, less the
/// widget's margins, head and padding.
fn grid_size(widget: &Widget) -> (u32, u32) {
    (
        (widget.w * 115).saturating_sub(42).max(1),
        (widget.h * 90).saturating_sub(64).max(1),
    )
}

fn describe_data_error(err: &DataError) -> String {
    if err.is_user_error() {
        err.to_string()
    } else {
        tracing::error!(error = %err, "widget query failed");
        "the data source failed; see the server log".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> serde_json::Value {
        json!({"properties": {"metric": {}, "higher_is_better": {"type": "boolean"}}})
    }

    fn good(m: &str) -> Option<Good> {
        match m {
            "error_rate" => Some(Good::Down),
            "orders" => Some(Good::Up),
            _ => None,
        }
    }

    #[test]
    fn widgets_are_told_the_metrics_format_label_and_direction() {
        use crate::frame::{ColumnFormatKind, FormatKind, ScalarData, ValueFormat};
        let metric = MetricInfo {
            name: "error_rate".into(),
            label: "Error rate".into(),
            dataset: "orders".into(),
            aggregate: "ratio".into(),
            format: ValueFormat::default(),
            dimensions: Vec::new(),
            good: Good::Down,
            colors: Default::default(),
        };
        let data = WidgetData::Scalar(ScalarData {
            format: ValueFormat {
                kind: FormatKind::Percent,
                unit: String::new(),
                decimals: Some(1),
            },
            ..ScalarData::default()
        });
        let d = display_of(&json!({"metric": "error_rate"}), Some(&metric), &data);
        assert_eq!(d.value_format.kind, ColumnFormatKind::Percent);
        assert_eq!(
            (d.metric_label.as_str(), d.higher_is_better),
            ("Error rate", false)
        );
        let own = display_of(&json!({"higher_is_better": true}), Some(&metric), &data);
        assert!(own.higher_is_better);
        assert!(display_of(&json!({}), None, &data).higher_is_better);
    }

    #[test]
    fn tables_are_told_their_column_formats_and_categories_their_colours() {
        use crate::frame::{
            CategoriesData, ColumnFormatKind, ColumnKind, ColumnSchema, RowsData, ValueFormat,
        };
        let currency = ColumnFormat {
            kind: ColumnFormatKind::Currency,
            unit: "USD".into(),
            decimals: None,
        };
        let rows = WidgetData::Rows(RowsData {
            schema: vec![
                ColumnSchema::new("id", "Order", ColumnKind::Int64)
                    .with_format(ColumnFormat::of(ColumnFormatKind::Id)),
                ColumnSchema::new("amount", "Amount", ColumnKind::Float64)
                    .with_format(currency.clone()),
            ],
            ..RowsData::default()
        });
        let d = display_of(&json!({"dataset": "orders"}), None, &rows);
        assert_eq!(
            d.columns,
            [ColumnFormat::of(ColumnFormatKind::Id), currency]
        );
        let mut colors = std::collections::BTreeMap::new();
        colors.insert(
            "status".to_owned(),
            [("error".to_owned(), "#dc2626".to_owned())].into(),
        );
        let metric = MetricInfo {
            name: "total_orders".into(),
            label: "Total orders".into(),
            dataset: "orders".into(),
            aggregate: "count".into(),
            format: ValueFormat::default(),
            dimensions: vec!["status".into(), "region".into()],
            good: Good::Up,
            colors,
        };
        let by = |dimension: &str| {
            WidgetData::Categories(CategoriesData {
                dimension: dimension.into(),
                ..CategoriesData::default()
            })
        };
        let d = display_of(&json!({}), Some(&metric), &by("status"));
        assert_eq!(
            d.category_colors,
            [("error".to_owned(), "#dc2626".to_owned())]
        );
        assert!(d.columns.is_empty());
        assert!(
            display_of(&json!({}), Some(&metric), &by("region"))
                .category_colors
                .is_empty()
        );
    }

    #[test]
    fn the_metrics_direction_fills_higher_is_better_unless_the_widget_sets_it() {
        let down = with_direction(&json!({"metric": "error_rate"}), &schema(), good);
        assert_eq!(down["higher_is_better"], json!(false));
        let up = with_direction(&json!({"metric": "orders"}), &schema(), good);
        assert_eq!(up["higher_is_better"], json!(true));
        // The widget's own choice wins.
        let own = json!({"metric": "error_rate", "higher_is_better": true});
        assert_eq!(with_direction(&own, &schema(), good), own);
        // Unknown metric, or a plugin without the key: left as it is.
        let unknown = json!({"metric": "nope"});
        assert_eq!(with_direction(&unknown, &schema(), good), unknown);
        let chart = json!({"metric": "error_rate"});
        assert_eq!(
            with_direction(&chart, &json!({"properties": {"metric": {}}}), good),
            chart
        );
    }
}
