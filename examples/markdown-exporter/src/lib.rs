//! Run with: `cargo build --manifest-path examples/Cargo.toml --target wasm32-wasip2 --release`,
//! then copy `examples/target/wasm32-wasip2/release/markdown_exporter.wasm` into
//! the server's plugins folder: a "Markdown" export button appears without a
//! host rebuild.
//!
//! A third-party exporter: rows as a GitHub-flavoured Markdown table,
//! streamed batch by batch.

use wasmdash_widget_sdk::{
    Batch, ColumnSchema, ExportOptions, ExportSession, Exporter, ExporterInfo, PluginError, Value,
    format, time,
};

struct Markdown;

struct MarkdownSession {
    head: Option<String>,
    offset_minutes: i32,
}

/// Pipes and line breaks would break the table.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

impl Exporter for Markdown {
    type Session = MarkdownSession;

    fn describe() -> ExporterInfo {
        ExporterInfo {
            id: "markdown".into(),
            name: "Markdown".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Rows as a Markdown table, for wikis and chat.".into(),
            media_type: "text/markdown; charset=utf-8".into(),
            file_extension: "md".into(),
            config_schema: r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{}}"#.into(),
        }
    }

    fn open(
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<MarkdownSession, PluginError> {
        let _: serde_json::Value = wasmdash_widget_sdk::config(&options.config)?;
        let names: Vec<String> = schema.iter().map(|c| cell(&c.name)).collect();
        let mut head = format!("# {}\n\n", cell(&options.title));
        head.push_str(&format!("| {} |\n", names.join(" | ")));
        head.push_str(&format!("|{}\n", " --- |".repeat(names.len().max(1))));
        Ok(MarkdownSession {
            head: Some(head),
            offset_minutes: options.utc_offset_minutes,
        })
    }
}

impl ExportSession for MarkdownSession {
    fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
        let mut out = self.head.take().unwrap_or_default();
        for row in 0..batch.rows() {
            let cells: Vec<String> = (0..batch.columns.len())
                .map(|c| match batch.value(row, c) {
                    Value::Null => String::new(),
                    Value::Float(f) => format::number(f, None),
                    Value::Int(i) => i.to_string(),
                    Value::Timestamp(ms) => time::iso8601(ms, self.offset_minutes),
                    Value::Bool(b) => b.to_string(),
                    Value::Text(s) => cell(s),
                })
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        Ok(out.into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        Ok(self.head.take().unwrap_or_default().into_bytes())
    }
}

wasmdash_widget_sdk::export_plugin!(exporter: Markdown);
