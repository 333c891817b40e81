//! Run with: `cargo build --manifest-path examples/Cargo.toml --target wasm32-wasip2 --release`,
//! then copy `examples/target/wasm32-wasip2/release/markdown_exporter.wasm` into
//! the server's plugins folder: a "Markdown" export button appears without a
//! host rebuild.
//!
//! A third-party exporter: rows as a GitHub-flavoured Markdown table,
//! streamed batch by batch. A dashboard report becomes one `##` heading and
//! one table per widget.

use wasmdash_plugin_sdk::{
    Batch, ChartKind, ColumnSchema, ExportOptions, ExportSession, Exporter, ExporterInfo,
    PluginError, Section, Value, format, time,
};

struct Markdown;

struct MarkdownSession {
    /// Output not yet handed out (the document heading, a table header).
    pending: String,
    offset_minutes: i32,
    /// Columns of the table being written.
    columns: usize,
}

/// Pipes and line breaks would break the table.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// A table header for `schema`; nothing for no columns.
fn table_head(schema: &[ColumnSchema]) -> String {
    if schema.is_empty() {
        return String::new();
    }
    let names: Vec<String> = schema
        .iter()
        .map(|c| {
            cell(if c.label.is_empty() {
                &c.name
            } else {
                &c.label
            })
        })
        .collect();
    format!(
        "| {} |\n|{}\n",
        names.join(" | "),
        " --- |".repeat(names.len())
    )
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
        let _: serde_json::Value = wasmdash_plugin_sdk::config(&options.config)?;
        let mut pending = format!("# {}\n\n", cell(&options.title));
        if let Some(r) = &options.time_range {
            pending.push_str(&format!(
                "{} ({} to {})\n\n",
                cell(&r.label),
                time::iso8601(r.start_ms, options.utc_offset_minutes),
                time::iso8601(r.end_ms, options.utc_offset_minutes)
            ));
        }
        pending.push_str(&table_head(&schema));
        Ok(MarkdownSession {
            pending,
            offset_minutes: options.utc_offset_minutes,
            columns: schema.len(),
        })
    }
}

impl ExportSession for MarkdownSession {
    fn begin_section(&mut self, section: Section) -> Result<Vec<u8>, PluginError> {
        let mut out = std::mem::take(&mut self.pending);
        let kind = match section.chart {
            ChartKind::None => "table",
            ChartKind::Line => "line chart",
            ChartKind::Bar => "bar chart",
            ChartKind::Pie => "pie chart",
            ChartKind::Value => "value",
        };
        out.push_str(&format!("\n## {} ({kind})\n\n", cell(&section.title)));
        out.push_str(&table_head(&section.schema));
        self.columns = section.schema.len();
        Ok(out.into_bytes())
    }

    fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
        if batch.columns.len() != self.columns {
            return Err(PluginError::InvalidData(format!(
                "batch has {} columns, the table {}",
                batch.columns.len(),
                self.columns
            )));
        }
        let mut out = std::mem::take(&mut self.pending);
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
        Ok(std::mem::take(&mut self.pending).into_bytes())
    }
}

wasmdash_plugin_sdk::export_plugin!(exporter: Markdown);
