//! The only place the plugin WIT is bound. Everything generated stays private
//! to `plugins`; the conversions below map it to and from `wasmdash_frame` and
//! `plugins::info` types so no other module sees generated names.

use super::info;
use wasmdash_frame as frame;

wasmtime::component::bindgen!({
    path: "../../../widget-sdk/wit",
    // One host-side world exporting all three plugin interfaces, so the
    // shared `types` interface is generated once. A plugin component exports
    // just one of them; we load only that interface's exports. Export and
    // import names are matched semver-compatibly by wasmtime, so these
    // 0.1.3 names also find a plugin's 0.1.0, 0.1.1 and 0.1.2 exports (see
    // `compat`).
    inline: "
        package wasmdash:host;
        world host {
            import wasmdash:plugin/log@0.1.3;
            import wasmdash:plugin/display@0.1.3;
            import wasmdash:plugin/buckets@0.1.3;
            export wasmdash:plugin/widget-plugin@0.1.3;
            export wasmdash:plugin/exporter-plugin@0.1.3;
            export wasmdash:plugin/alert-rule-plugin@0.1.3;
        }
    ",
    world: "wasmdash:host/host",
    exports: { default: async },
    // Parameters borrow the host's data: a 10,000-point series is copied
    // once, straight into guest memory, instead of into bindgen-owned
    // `Vec`s first.
    ownership: Borrowing { duplicate_if_necessary: true },
});

pub(crate) use self::exports::wasmdash::plugin::alert_rule_plugin as alert;
pub(crate) use self::exports::wasmdash::plugin::exporter_plugin as exporter;
pub(crate) use self::exports::wasmdash::plugin::widget_plugin as widget;
pub(crate) use self::wasmdash::plugin::buckets as guest_buckets;
pub(crate) use self::wasmdash::plugin::display as guest_display;
pub(crate) use self::wasmdash::plugin::log as guest_log;
pub(crate) use self::wasmdash::plugin::types as wit;

/// The WIT package version this host implements.
pub(crate) const WIT_VERSION: &str = "0.1.3";
/// The WIT versions this host loads plugins of: every semver-compatible one.
pub(crate) const WIT_COMPATIBLE: &str = "0.1.x";
/// The WIT package name.
pub(crate) const WIT_PACKAGE: &str = "wasmdash:plugin";

/// Export name of each plugin interface at the host's version. Looked up
/// in a component with `Component::get_export_index`, which also finds a
/// semver-compatible version (`@0.1.0` for `@0.1.3`).
pub(crate) fn export_name(kind: info::PluginKind) -> String {
    let iface = match kind {
        info::PluginKind::Widget => "widget-plugin",
        info::PluginKind::Exporter => "exporter-plugin",
        info::PluginKind::AlertRule => "alert-rule-plugin",
    };
    format!("{WIT_PACKAGE}/{iface}@{WIT_VERSION}")
}

pub(crate) fn time_range(t: &frame::TimeRange) -> wit::TimeRange<'_> {
    wit::TimeRange {
        start_ms: t.start_ms,
        end_ms: t.end_ms,
        label: &t.label,
    }
}

fn value_format(f: &frame::ValueFormat) -> wit::ValueFormat<'_> {
    wit::ValueFormat {
        kind: match f.kind {
            frame::FormatKind::Number => wit::FormatKind::Number,
            frame::FormatKind::Percent => wit::FormatKind::Percent,
            frame::FormatKind::Currency => wit::FormatKind::Currency,
            frame::FormatKind::Duration => wit::FormatKind::Duration,
        },
        unit: &f.unit,
        decimals: f.decimals,
    }
}

pub(crate) fn series(s: &frame::Series) -> wit::Series<'_> {
    wit::Series {
        timestamps: &s.timestamps,
        values: &s.values,
        nulls: &s.nulls,
    }
}

pub(crate) fn column_schema(c: &frame::ColumnSchema) -> wit::ColumnSchema<'_> {
    wit::ColumnSchema {
        name: &c.name,
        label: &c.label,
        kind: match c.kind {
            frame::ColumnKind::Float64 => wit::ColumnKind::Float64,
            frame::ColumnKind::Int64 => wit::ColumnKind::Int64,
            frame::ColumnKind::Timestamp => wit::ColumnKind::Timestamp,
            frame::ColumnKind::Boolean => wit::ColumnKind::Boolean,
            frame::ColumnKind::Text => wit::ColumnKind::Text,
        },
    }
}

/// A batch as the guest sees it, borrowing the host's columns so nothing
/// bulk is copied before wasmtime copies it into guest memory. Text
/// columns need one `&str` per value (`list<string>` lowers from
/// `[&str]`), kept here; build the WIT columns with [`BatchView::columns`]
/// and the batch with [`BatchView::wit`].
pub(crate) struct BatchView<'a> {
    batch: &'a frame::Batch,
    /// Per column: its strings (text) or dictionary, else empty.
    text: Vec<Vec<&'a str>>,
}

impl<'a> BatchView<'a> {
    pub(crate) fn new(batch: &'a frame::Batch) -> Self {
        let text = batch
            .columns
            .iter()
            .map(|c| match &c.values {
                frame::ColumnValues::Text(v)
                | frame::ColumnValues::Dictionary { dictionary: v, .. } => {
                    v.iter().map(String::as_str).collect()
                }
                _ => Vec::new(),
            })
            .collect();
        Self { batch, text }
    }

    pub(crate) fn columns(&self) -> Vec<wit::Column<'_>> {
        self.batch
            .columns
            .iter()
            .zip(&self.text)
            .map(|(c, text)| {
                let values = match &c.values {
                    frame::ColumnValues::Float64(v) => wit::ColumnValues::Float64(v),
                    frame::ColumnValues::Int64(v) => wit::ColumnValues::Int64(v),
                    frame::ColumnValues::Timestamp(v) => wit::ColumnValues::Timestamp(v),
                    frame::ColumnValues::Boolean(v) => wit::ColumnValues::Boolean(v),
                    frame::ColumnValues::Text(_) => wit::ColumnValues::Text(text),
                    frame::ColumnValues::Dictionary { codes, .. } => {
                        wit::ColumnValues::Dictionary(wit::DictionaryText {
                            dictionary: text,
                            codes,
                        })
                    }
                };
                wit::Column {
                    values,
                    nulls: &c.nulls,
                }
            })
            .collect()
    }

    /// The WIT batch over `columns` (from [`BatchView::columns`]).
    pub(crate) fn wit<'s>(&self, columns: &'s [wit::Column<'s>]) -> wit::Batch<'s> {
        wit::Batch {
            row_count: self.batch.row_count,
            columns,
        }
    }
}

/// Widget data as the guest sees it, borrowing the host's frame (see
/// [`BatchView`]): `let view = WidgetDataView::new(&data); let columns =
/// view.columns(); let wit = view.wit(&columns);`.
pub(crate) enum WidgetDataView<'a> {
    Scalar(&'a frame::ScalarData),
    Series(&'a frame::SeriesData),
    /// With the labels as `&str`s.
    Categories(&'a frame::CategoriesData, Vec<&'a str>),
    /// With the batch view and the schema.
    Rows(
        &'a frame::RowsData,
        BatchView<'a>,
        Vec<wit::ColumnSchema<'a>>,
    ),
}

impl<'a> WidgetDataView<'a> {
    pub(crate) fn new(data: &'a frame::WidgetData) -> Self {
        match data {
            frame::WidgetData::Scalar(s) => Self::Scalar(s),
            frame::WidgetData::Series(s) => Self::Series(s),
            frame::WidgetData::Categories(c) => {
                Self::Categories(c, c.labels.iter().map(String::as_str).collect())
            }
            frame::WidgetData::Rows(r) => Self::Rows(
                r,
                BatchView::new(&r.rows),
                r.schema.iter().map(column_schema).collect(),
            ),
        }
    }

    /// The WIT columns of rows data (empty for other shapes).
    pub(crate) fn columns(&self) -> Vec<wit::Column<'_>> {
        match self {
            Self::Rows(_, view, _) => view.columns(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn wit<'s>(&'s self, columns: &'s [wit::Column<'s>]) -> wit::WidgetData<'s> {
        match self {
            Self::Scalar(s) => wit::WidgetData::Scalar(wit::ScalarData {
                label: &s.label,
                value: s.value,
                previous: s.previous,
                format: value_format(&s.format),
                sparkline: s.sparkline.as_ref().map(series),
            }),
            Self::Series(s) => wit::WidgetData::Series(wit::SeriesData {
                label: &s.label,
                bucket: &s.bucket,
                points: series(&s.points),
                previous: s.previous.as_ref().map(series),
                format: value_format(&s.format),
            }),
            Self::Categories(c, labels) => wit::WidgetData::Categories(wit::CategoriesData {
                label: &c.label,
                dimension: &c.dimension,
                labels,
                values: &c.values,
                format: value_format(&c.format),
            }),
            Self::Rows(r, view, schema) => wit::WidgetData::Rows(wit::RowsData {
                label: &r.label,
                schema,
                rows: view.wit(columns),
                total_rows: r.total_rows,
                offset: r.offset,
            }),
        }
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

pub(crate) fn render_context(c: &info::RenderContext) -> widget::RenderContext<'_> {
    widget::RenderContext {
        width: c.width,
        height: c.height,
        time_range: time_range(&c.time_range),
        timezone: &c.timezone,
        utc_offset_minutes: c.utc_offset_minutes,
        locale: &c.locale,
    }
}

pub(crate) fn export_options(o: &info::ExportOptions) -> exporter::ExportOptions<'_> {
    exporter::ExportOptions {
        config: &o.config,
        title: &o.title,
        time_range: o.time_range.as_ref().map(time_range),
        timezone: &o.timezone,
        utc_offset_minutes: o.utc_offset_minutes,
        generated_at_ms: o.generated_at_ms,
    }
}

pub(crate) fn section<'a>(
    title: &'a str,
    chart: super::ChartKind,
    schema: &'a [wit::ColumnSchema<'a>],
) -> exporter::Section<'a> {
    use super::ChartKind as K;
    exporter::Section {
        title,
        chart: match chart {
            K::None => exporter::ChartKind::None,
            K::Line => exporter::ChartKind::Line,
            K::Bar => exporter::ChartKind::Bar,
            K::Pie => exporter::ChartKind::Pie,
            K::Value => exporter::ChartKind::Value,
        },
        schema,
    }
}

pub(crate) fn alert_input(i: &info::AlertInput) -> alert::AlertInput<'_> {
    alert::AlertInput {
        metric: &i.metric,
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
