//! {{name}}: a wasmdash exporter writing rows as tab-separated text,
//! streamed batch by batch.
//!
//! Build with `cargo build --target wasm32-wasip2 --release`; see README.md.

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::{
    Batch, ColumnSchema, ExportOptions, ExportSession, Exporter, PluginConfig, PluginError,
    PluginMeta, Section, Value, format, time,
};

/// The exporter's options, shown in the export dialog.
#[derive(Debug, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct Config {
    /// Write a first line with the column names.
    #[schemars(title = "Header line")]
    header: bool,
}

impl PluginConfig for Config {}

struct {{type}};

struct Session {
    header: bool,
    offset_minutes: i32,
    /// A header not yet handed out.
    pending: String,
}

/// Tabs and line breaks would split a cell.
fn cell(s: &str) -> String {
    s.replace(['\t', '\r', '\n'], " ")
}

fn header(schema: &[ColumnSchema]) -> String {
    let names: Vec<String> = schema.iter().map(|c| cell(&c.name)).collect();
    format!("{}\n", names.join("\t"))
}

impl Exporter for {{type}} {
    const META: PluginMeta = PluginMeta {
        id: "{{id}}",
        name: "{{name}}",
        version: env!("CARGO_PKG_VERSION"),
        description: "Rows as tab-separated text.",
    };
    const MEDIA_TYPE: &'static str = "text/tab-separated-values; charset=utf-8";
    const FILE_EXTENSION: &'static str = "tsv";
    type Config = Config;
    type Session = Session;

    fn open(
        cfg: Config,
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<Session, PluginError> {
        let pending = if cfg.header && !schema.is_empty() {
            header(&schema)
        } else {
            String::new()
        };
        Ok(Session {
            header: cfg.header,
            offset_minutes: options.utc_offset_minutes,
            pending,
        })
    }
}

impl ExportSession for Session {
    fn begin_section(&mut self, section: Section) -> Result<Vec<u8>, PluginError> {
        let mut out = format!("# {}\n", cell(&section.title));
        if self.header {
            out.push_str(&header(&section.schema));
        }
        Ok(out.into_bytes())
    }

    fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
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
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
        Ok(out.into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        Ok(std::mem::take(&mut self.pending).into_bytes())
    }
}

wasmdash_plugin_sdk::export_plugin!(exporter: {{type}});

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{Column, ColumnKind, ColumnValues, testing};

    #[test]
    fn writes_a_header_and_rows() {
        let schema = testing::columns(&[("customer", ColumnKind::Text), ("n", ColumnKind::Int64)]);
        let options = testing::export_options(r#"{"header": true}"#);
        let mut s = testing::open::<{{type}}>(options, schema).unwrap();
        let out = s
            .write(Batch {
                row_count: 1,
                columns: vec![
                    Column {
                        values: ColumnValues::Text(vec!["Acme\tSons".into()]),
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
            "customer\tn\nAcme Sons\t3\n"
        );
        let info = testing::describe_exporter::<{{type}}>();
        assert_eq!(info.file_extension, "tsv");
    }
}
