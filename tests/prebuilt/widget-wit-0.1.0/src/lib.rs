//! A widget built against `wasmdash:plugin@0.1.0` (the WIT in `wit/` is a
//! copy of that version, never updated): the number of a scalar metric in
//! an SVG. Kept as a prebuilt component so the host's compatibility with
//! plugins built for an older minor version is tested against real bytes.

wit_bindgen::generate!({ path: "wit", world: "widget" });

use exports::wasmdash::plugin::widget_plugin::{Guest, RenderContext, WidgetInfo};
use wasmdash::plugin::types::{DataShape, PluginError, WidgetData};

struct OldWidget;

impl Guest for OldWidget {
    fn describe() -> WidgetInfo {
        WidgetInfo {
            id: "wit-0-1-0-number".into(),
            name: "Number (WIT 0.1.0)".into(),
            version: "0.1.0".into(),
            description: "A scalar as a number in an SVG, built against wasmdash:plugin@0.1.0."
                .into(),
            data_shape: DataShape::Scalar,
            config_schema: r#"{"type":"object","properties":{"metric":{"type":"string","x-wasmdash":"metric"}}}"#.into(),
        }
    }

    fn render(
        _config: String,
        data: WidgetData,
        context: RenderContext,
    ) -> Result<String, PluginError> {
        let WidgetData::Scalar(scalar) = data else {
            return Err(PluginError::InvalidData("needs scalar data".into()));
        };
        let value = match scalar.value {
            Some(v) => format!("{v}"),
            None => "no data".into(),
        };
        Ok(format!(
            r#"<svg class="wd-old-number" viewBox="0 0 {w} 40" role="img" aria-label="{label}: {value}"><text x="8" y="28">{value}</text></svg>"#,
            w = context.width.max(1),
            label = escape(&scalar.label),
        ))
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

export!(OldWidget);
