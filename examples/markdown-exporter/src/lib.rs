//! Run with: `cargo build --manifest-path examples/Cargo.toml --target wasm32-wasip2 --release`,
//! then copy `examples/target/wasm32-wasip2/release/markdown_exporter.wasm` into
//! the server's plugins folder: a "Markdown" export button appears without a
//! host rebuild.
//!
//! A third-party exporter: rows as a GitHub-flavoured Markdown table,
//! streamed batch by batch. A dashboard report becomes one `##` heading and
//! one table per widget.

use wasmdash_plugin_sdk::{
    Batch, ChartKind, ColumnSchema, ExportOptions, ExportSession, Exporter, NoConfig, PluginError,
    PluginMeta, Section, Value, format, time,
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
    const META: PluginMeta = PluginMeta {
        id: "markdown",
        name: "Markdown",
        version: env!("CARGO_PKG_VERSION"),
        description: "Rows as a Markdown table, for wikis and chat.",
    };
    const MEDIA_TYPE: &'static str = "text/markdown; charset=utf-8";
    const FILE_EXTENSION: &'static str = "md";
    // No options: any JSON is accepted and the editor shows no fields.
    type Config = NoConfig;
    type Session = MarkdownSession;

    fn open(
        _: NoConfig,
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<MarkdownSession, PluginError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{Column, ColumnKind, ColumnValues, testing};

    #[test]
    fn a_table_with_escaped_cells() {
        let schema = testing::columns(&[("customer", ColumnKind::Text), ("n", ColumnKind::Int64)]);
        let mut s = testing::open::<Markdown>(testing::export_options(""), schema).unwrap();
        let out = s
            .write(Batch {
                row_count: 1,
                columns: vec![
                    Column {
                        values: ColumnValues::Text(vec!["Acme | Sons\n".into()]),
                        nulls: vec![],
                    },
                    Column {
                        values: ColumnValues::Int64(vec![3]),
                        nulls: vec![],
                    },
                ],
            })
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "# Export\n\n| customer | n |\n| --- | --- |\n| Acme \\| Sons  | 3 |\n"
        );
        let info = testing::describe_exporter::<Markdown>();
        assert_eq!(
            (info.id.as_str(), info.file_extension.as_str()),
            ("markdown", "md")
        );
        assert!(
            info.config_schema.contains(r#""properties":{}"#),
            "{}",
            info.config_schema
        );
    }
}
