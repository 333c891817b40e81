//! How an export shows its values: the [`Display`] an exporter's `display`
//! import answers for a table of widget data — each column's format (the
//! metric's value format on value columns, dates on the time column) and
//! whether a rise is good news — so a PDF reads like the dashboard.

use crate::data::DataEngine;
use crate::data::config::Good;
use crate::frame::{
    ColumnFormat, ColumnFormatKind, ColumnSchema, SeriesData, ValueFormat, WidgetData,
};
use crate::plugins::Display;
use crate::store::Widget;

/// The formats of the table [`super::tables::of`] makes from `data`, in its
/// column order, and the metric's value format.
pub(crate) fn of_data(data: &WidgetData) -> Display {
    let value = |f: &ValueFormat| ColumnFormat::from(f);
    let (columns, value_format) = match data {
        WidgetData::Scalar(d) => {
            let v = value(&d.format);
            (vec![ColumnFormat::default(), v.clone(), v.clone()], v)
        }
        WidgetData::Series(d) => return of_series(d),
        WidgetData::Categories(d) => {
            let v = value(&d.format);
            (vec![ColumnFormat::default(), v.clone()], v)
        }
        WidgetData::Rows(d) => (of_schema(&d.schema), ColumnFormat::default()),
    };
    Display {
        columns,
        value_format,
        ..Display::default()
    }
}

/// The formats of [`super::tables::series`] of `d`: the bucket start as a
/// date (or date and time for buckets under a day), then the values, then
/// the partial flags; and its partial buckets for the `buckets` import.
pub(crate) fn of_series(d: &SeriesData) -> Display {
    let v = ColumnFormat::from(&d.format);
    let time = match d.bucket.as_str() {
        "day" | "week" | "month" => ColumnFormatKind::Date,
        _ => ColumnFormatKind::DateTime,
    };
    let mut columns = vec![ColumnFormat::of(time), v.clone()];
    if d.previous.is_some() {
        columns.push(v.clone());
    }
    // The `partial` flags are shown as they come.
    columns.push(ColumnFormat::default());
    if d.previous.is_some() {
        columns.push(ColumnFormat::default());
    }
    Display {
        columns,
        value_format: v,
        partial_buckets: d.partial.clone(),
        ..Display::default()
    }
}

/// The configured formats of `schema`'s columns (a dataset's rows).
pub(crate) fn of_schema(schema: &[ColumnSchema]) -> Vec<ColumnFormat> {
    schema.iter().map(|c| c.format.clone()).collect()
}

/// Everything an exporter is told about `widget`'s `data`: the formats of
/// [`of_data`], the direction of [`higher_is_better`], and the configured
/// colours of its categories.
pub(crate) fn of_widget(engine: &DataEngine, widget: &Widget, data: &WidgetData) -> Display {
    let metric = widget.config.get("metric").and_then(|m| m.as_str());
    let category_colors = match (data, metric) {
        (WidgetData::Categories(c), Some(metric)) => engine
            .metrics()
            .into_iter()
            .find(|m| m.name == metric)
            .map(|m| m.category_colors(&c.dimension))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Display {
        higher_is_better: higher_is_better(engine, widget),
        category_colors,
        ..of_data(data)
    }
}

/// The label of the column `data` is grouped by, as `[[dataset]]
/// columns` configures it (what the dashboard shows), for the header of
/// its table in CSV, JSON and PDF; `None` for data that is not grouped, or
/// a dimension without a configured label.
pub(crate) fn dimension_label(
    engine: &DataEngine,
    widget: &Widget,
    data: &WidgetData,
) -> Option<String> {
    let WidgetData::Categories(c) = data else {
        return None;
    };
    let metric = widget.config.get("metric")?.as_str()?;
    let dataset = engine
        .metrics()
        .into_iter()
        .find(|m| m.name == metric)?
        .dataset;
    engine
        .datasets()
        .into_iter()
        .find(|d| d.name == dataset)?
        .columns
        .into_iter()
        .find(|col| col.name == c.dimension)
        .map(|col| col.label)
        .filter(|l| !l.is_empty())
}

/// Whether a rise is good news for what `widget` shows: its own
/// `higher_is_better` when it sets one, else its metric's `good`.
pub(crate) fn higher_is_better(data: &DataEngine, widget: &Widget) -> bool {
    if let Some(own) = widget
        .config
        .get("higher_is_better")
        .and_then(serde_json::Value::as_bool)
    {
        return own;
    }
    let Some(metric) = widget.config.get("metric").and_then(|m| m.as_str()) else {
        return true;
    };
    metric_higher_is_better(data, metric)
}

/// Whether a rise of `metric` is good news (unknown metrics: yes).
pub(crate) fn metric_higher_is_better(data: &DataEngine, metric: &str) -> bool {
    data.metrics()
        .into_iter()
        .find(|m| m.name == metric)
        .is_none_or(|m| m.good == Good::Up)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{FormatKind, ScalarData};

    #[test]
    fn value_columns_take_the_metric_format() {
        let percent = ValueFormat {
            kind: FormatKind::Percent,
            unit: String::new(),
            decimals: Some(1),
        };
        let d = of_data(&WidgetData::Scalar(ScalarData {
            format: percent.clone(),
            ..ScalarData::default()
        }));
        assert_eq!(d.columns.len(), 3);
        assert_eq!(d.columns[0].kind, ColumnFormatKind::Plain);
        assert_eq!(d.columns[1].kind, ColumnFormatKind::Percent);
        assert_eq!(d.value_format.decimals, Some(1));
        let d = of_data(&WidgetData::Series(SeriesData {
            bucket: "day".into(),
            format: percent,
            ..SeriesData::default()
        }));
        assert_eq!(
            d.columns.iter().map(|c| c.kind).collect::<Vec<_>>(),
            [
                ColumnFormatKind::Date,
                ColumnFormatKind::Percent,
                ColumnFormatKind::Plain
            ]
        );
    }
}
