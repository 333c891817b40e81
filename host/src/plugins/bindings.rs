//! The only place the plugin WIT is bound. Everything generated stays private
//! to `plugins`; the conversions below map it to and from `crate::frame` and
//! `plugins::info` types so no other module sees generated names.

use crate::frame;

use super::info;

wasmtime::component::bindgen!({
    path: "../widget-sdk/wit",
    // One host-side world exporting all three plugin interfaces, so the
    // shared `types` interface is generated once. A plugin component exports
    // just one of them; we load only that interface's exports.
    inline: "
        package wasmdash:host;
        world host {
            export wasmdash:plugin/widget-plugin@0.1.0;
            export wasmdash:plugin/exporter-plugin@0.1.0;
            export wasmdash:plugin/alert-rule-plugin@0.1.0;
        }
    ",
    world: "wasmdash:host/host",
    exports: { default: async },
});

pub(crate) use self::exports::wasmdash::plugin::alert_rule_plugin as alert;
pub(crate) use self::exports::wasmdash::plugin::exporter_plugin as exporter;
pub(crate) use self::exports::wasmdash::plugin::widget_plugin as widget;
pub(crate) use self::wasmdash::plugin::types as wit;

/// The WIT package version this host implements.
pub(crate) const WIT_VERSION: &str = "0.1.0";
/// The WIT package name.
pub(crate) const WIT_PACKAGE: &str = "wasmdash:plugin";

/// Export name of each plugin interface, as it appears in a component.
pub(crate) fn export_name(kind: info::PluginKind) -> String {
    let iface = match kind {
        info::PluginKind::Widget => "widget-plugin",
        info::PluginKind::Exporter => "exporter-plugin",
        info::PluginKind::AlertRule => "alert-rule-plugin",
    };
    format!("{WIT_PACKAGE}/{iface}@{WIT_VERSION}")
}

pub(crate) fn time_range(t: &frame::TimeRange) -> wit::TimeRange {
    wit::TimeRange {
        start_ms: t.start_ms,
        end_ms: t.end_ms,
        label: t.label.clone(),
    }
}

fn value_format(f: &frame::ValueFormat) -> wit::ValueFormat {
    wit::ValueFormat {
        kind: match f.kind {
            frame::FormatKind::Number => wit::FormatKind::Number,
            frame::FormatKind::Percent => wit::FormatKind::Percent,
            frame::FormatKind::Currency => wit::FormatKind::Currency,
            frame::FormatKind::Duration => wit::FormatKind::Duration,
        },
        unit: f.unit.clone(),
        decimals: f.decimals,
    }
}

pub(crate) fn series(s: &frame::Series) -> wit::Series {
    wit::Series {
        timestamps: s.timestamps.clone(),
        values: s.values.clone(),
        nulls: s.nulls.clone(),
    }
}

pub(crate) fn column_schema(c: &frame::ColumnSchema) -> wit::ColumnSchema {
    wit::ColumnSchema {
        name: c.name.clone(),
        label: c.label.clone(),
        kind: match c.kind {
            frame::ColumnKind::Float64 => wit::ColumnKind::Float64,
            frame::ColumnKind::Int64 => wit::ColumnKind::Int64,
            frame::ColumnKind::Timestamp => wit::ColumnKind::Timestamp,
            frame::ColumnKind::Boolean => wit::ColumnKind::Boolean,
            frame::ColumnKind::Text => wit::ColumnKind::Text,
        },
    }
}

fn column(c: &frame::Column) -> wit::Column {
    let values = match &c.values {
        frame::ColumnValues::Float64(v) => wit::ColumnValues::Float64(v.clone()),
        frame::ColumnValues::Int64(v) => wit::ColumnValues::Int64(v.clone()),
        frame::ColumnValues::Timestamp(v) => wit::ColumnValues::Timestamp(v.clone()),
        frame::ColumnValues::Boolean(v) => wit::ColumnValues::Boolean(v.clone()),
        frame::ColumnValues::Text(v) => wit::ColumnValues::Text(v.clone()),
        frame::ColumnValues::Dictionary { dictionary, codes } => {
            wit::ColumnValues::Dictionary(wit::DictionaryText {
                dictionary: dictionary.clone(),
                codes: codes.clone(),
            })
        }
    };
    wit::Column {
        values,
        nulls: c.nulls.clone(),
    }
}

pub(crate) fn batch(b: &frame::Batch) -> wit::Batch {
    wit::Batch {
        row_count: b.row_count,
        columns: b.columns.iter().map(column).collect(),
    }
}

pub(crate) fn widget_data(d: &frame::WidgetData) -> wit::WidgetData {
    match d {
        frame::WidgetData::Scalar(s) => wit::WidgetData::Scalar(wit::ScalarData {
            label: s.label.clone(),
            value: s.value,
            previous: s.previous,
            format: value_format(&s.format),
            sparkline: s.sparkline.as_ref().map(series),
        }),
        frame::WidgetData::Series(s) => wit::WidgetData::Series(wit::SeriesData {
            label: s.label.clone(),
            bucket: s.bucket.clone(),
            points: series(&s.points),
            previous: s.previous.as_ref().map(series),
            format: value_format(&s.format),
        }),
        frame::WidgetData::Categories(c) => wit::WidgetData::Categories(wit::CategoriesData {
            label: c.label.clone(),
            dimension: c.dimension.clone(),
            labels: c.labels.clone(),
            values: c.values.clone(),
            format: value_format(&c.format),
        }),
        frame::WidgetData::Rows(r) => wit::WidgetData::Rows(wit::RowsData {
            label: r.label.clone(),
            schema: r.schema.iter().map(column_schema).collect(),
            rows: batch(&r.rows),
            total_rows: r.total_rows,
            offset: r.offset,
        }),
    }
}

pub(crate) fn data_shape(s: wit::DataShape) -> frame::DataShape {
    match s {
        wit::DataShape::Scalar => frame::DataShape::Scalar,
        wit::DataShape::Series => frame::DataShape::Series,
        wit::DataShape::Categories => frame::DataShape::Categories,
        wit::DataShape::Rows => frame::DataShape::Rows,
    }
}

pub(crate) fn render_context(c: &info::RenderContext) -> widget::RenderContext {
    widget::RenderContext {
        width: c.width,
        height: c.height,
        time_range: time_range(&c.time_range),
        timezone: c.timezone.clone(),
        utc_offset_minutes: c.utc_offset_minutes,
        locale: c.locale.clone(),
    }
}

pub(crate) fn export_options(o: &info::ExportOptions) -> exporter::ExportOptions {
    exporter::ExportOptions {
        config: o.config.clone(),
        title: o.title.clone(),
        time_range: o.time_range.as_ref().map(time_range),
        timezone: o.timezone.clone(),
        utc_offset_minutes: o.utc_offset_minutes,
        generated_at_ms: o.generated_at_ms,
    }
}

pub(crate) fn section(
    title: &str,
    chart: super::ChartKind,
    schema: &[frame::ColumnSchema],
) -> exporter::Section {
    use super::ChartKind as K;
    exporter::Section {
        title: title.to_owned(),
        chart: match chart {
            K::None => exporter::ChartKind::None,
            K::Line => exporter::ChartKind::Line,
            K::Bar => exporter::ChartKind::Bar,
            K::Pie => exporter::ChartKind::Pie,
            K::Value => exporter::ChartKind::Value,
        },
        schema: schema.iter().map(column_schema).collect(),
    }
}

pub(crate) fn alert_input(i: &info::AlertInput) -> alert::AlertInput {
    alert::AlertInput {
        metric: i.metric.clone(),
        time_range: time_range(&i.time_range),
        current: i.current,
        previous: i.previous,
        recent: series(&i.recent),
    }
}

pub(crate) fn evaluation(e: alert::Evaluation) -> info::Evaluation {
    info::Evaluation {
        state: match e.state {
            alert::AlertState::Ok => info::AlertState::Ok,
            alert::AlertState::Firing => info::AlertState::Firing,
            alert::AlertState::NoData => info::AlertState::NoData,
        },
        observed: e.observed,
        message: e.message,
    }
}
