//! Built-in widget `status-pie`: shares of a total (orders by status,
//! tickets by priority) as a pie or donut with a legend giving each value
//! and its percentage.

use std::fmt::Write as _;

use serde::Deserialize;
use wasmdash_plugin_sdk::{
    CategoriesData, DataShape, PluginError, RenderContext, Widget, WidgetData, WidgetInfo, config,
    format, html, svg,
};

#[derive(Debug, Deserialize)]
#[serde(default)]
struct Config {
    title: String,
    donut: bool,
    show_legend: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: String::new(),
            donut: true,
            show_legend: true,
        }
    }
}

fn schema() -> String {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Status pie",
        "type": "object",
        "properties": {
            "metric": { "type": "string", "title": "Metric", "description": "The metric to split.", "x-wasmdash": "metric" },
            "title": { "type": "string", "title": "Title", "description": "Empty uses the metric's label.", "default": "" },
            "donut": { "type": "boolean", "title": "Donut", "description": "Draw a ring with the total in the middle.", "default": true },
            "show_legend": { "type": "boolean", "title": "Legend", "description": "List each slice with its value and share.", "default": true }
        }
    })
    .to_string()
}

/// The `status-pie` widget.
pub struct StatusPie;

impl Widget for StatusPie {
    fn describe() -> WidgetInfo {
        WidgetInfo {
            id: "status-pie".into(),
            name: "Status pie".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Shares of a total as a pie or donut with a legend.".into(),
            data_shape: DataShape::Categories,
            config_schema: schema(),
        }
    }

    fn render(
        config_json: &str,
        data: WidgetData,
        ctx: &RenderContext,
    ) -> Result<String, PluginError> {
        let cfg: Config = config(config_json)?;
        let WidgetData::Categories(data) = data else {
            return Err(PluginError::InvalidData(
                "status-pie needs categories data".into(),
            ));
        };
        Ok(render(&cfg, &data, ctx))
    }
}

fn render(cfg: &Config, data: &CategoriesData, ctx: &RenderContext) -> String {
    let title = if cfg.title.trim().is_empty() {
        &data.label
    } else {
        &cfg.title
    };
    let n = data.labels.len().min(data.values.len());
    let values = &data.values[..n];
    let total: f64 = values.iter().filter(|v| v.is_finite() && **v > 0.0).sum();
    if total <= 0.0 {
        return html::empty_state(title);
    }
    let size = ctx.width.min(ctx.height).clamp(120, 600);
    let (c, r) = (f64::from(size) / 2.0, f64::from(size) / 2.0 - 4.0);
    let inner = if cfg.donut { r * 0.6 } else { 0.0 };
    let share = |v: f64| {
        if v.is_finite() && v > 0.0 {
            v / total
        } else {
            0.0
        }
    };

    let mut out = String::from("<div class=\"wd-widget wd-status-pie\"><div class=\"wd-title\">");
    html::escape_into(&mut out, title);
    out.push_str("</div><div class=\"wd-pie-body\">");
    out.push_str(&svg::open(
        size,
        size,
        &format!("{title}: share by {}", data.dimension),
    ));
    for (i, (start, end)) in svg::slice_angles(values).into_iter().enumerate() {
        let d = svg::arc_path(c, c, r, inner, start, end);
        if d.is_empty() {
            continue;
        }
        let tip = format!(
            "{}: {} ({})",
            data.labels[i],
            format::value(values[i], &data.format),
            format::percent(share(values[i]), Some(1))
        );
        let _ = write!(
            out,
            "<path class=\"wd-slice {}\" d=\"{d}\" fill=\"currentColor\" stroke=\"none\"><title>{}</title></path>",
            svg::palette(i),
            html::escape(&tip)
        );
    }
    if cfg.donut {
        out.push_str(&svg::text(
            c,
            c + 5.0,
            "middle",
            "wd-pie-total",
            &format::value_compact(total, &data.format),
        ));
    }
    out.push_str(svg::CLOSE);
    if cfg.show_legend {
        out.push_str("<ul class=\"wd-legend\">");
        for (i, (label, value)) in data.labels.iter().zip(values).enumerate() {
            let _ = write!(
                out,
                "<li><span class=\"wd-swatch {}\"></span><span class=\"wd-legend-label\">{}</span> \
                 <span class=\"wd-legend-value\">{}</span> <span class=\"wd-legend-share\">{}</span></li>",
                svg::palette(i),
                html::escape(label),
                html::escape(&format::value(*value, &data.format)),
                format::percent(share(*value), Some(1))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</div></div>");
    out
}

wasmdash_plugin_sdk::export_plugin!(widget: StatusPie);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{TimeRange, ValueFormat};

    fn ctx() -> RenderContext {
        RenderContext {
            width: 300,
            height: 200,
            time_range: TimeRange {
                start_ms: 0,
                end_ms: 1,
                label: "Today".into(),
            },
            timezone: "UTC".into(),
            utc_offset_minutes: 0,
            locale: "en-US".into(),
        }
    }

    fn data(values: Vec<f64>) -> WidgetData {
        WidgetData::Categories(CategoriesData {
            label: "Orders".into(),
            dimension: "status".into(),
            labels: (0..values.len()).map(|i| format!("s<{i}>")).collect(),
            values,
            format: ValueFormat::default(),
        })
    }

    #[test]
    fn slices_and_legend_with_shares() {
        let h = StatusPie::render("", data(vec![30.0, 10.0, 60.0]), &ctx()).unwrap();
        assert_eq!(h.matches("class=\"wd-slice").count(), 3);
        assert!(
            h.contains("60.0%") && h.contains("s&lt;2&gt;") && h.contains("wd-c2"),
            "{h}"
        );
        assert!(h.contains("wd-pie-total"));
        let h = StatusPie::render(
            r#"{"donut":false,"show_legend":false}"#,
            data(vec![5.0]),
            &ctx(),
        )
        .unwrap();
        assert!(!h.contains("wd-legend") && h.contains("class=\"wd-slice wd-c0\""));
    }

    #[test]
    fn empty_zero_and_bad_config() {
        for v in [vec![], vec![0.0, 0.0], vec![-1.0]] {
            assert!(
                StatusPie::render("", data(v), &ctx())
                    .unwrap()
                    .contains("No data for this range")
            );
        }
        assert!(matches!(
            StatusPie::render(r#"{"donut":"yes"}"#, data(vec![1.0]), &ctx()),
            Err(PluginError::InvalidConfig(_))
        ));
    }
}
