//! Built-in exporter `csv`: RFC 4180 (CRLF line ends, fields quoted when
//! they hold the delimiter, a quote or a line break), a header row, an
//! optional UTF-8 BOM for Excel, and formula-injection protection on by
//! default: a text cell starting with `=`, `+`, `-`, `@`, tab or CR gets a
//! leading `'` (and quotes), as OWASP recommends, so spreadsheets show it as
//! text instead of running it.
//!
//! A multi-part report (a dashboard) becomes one block per section: a blank
//! line between blocks, the section title on a line of its own, then the
//! section's header row and rows.

use serde::Deserialize;
use wasmdash_plugin_sdk::{
    Batch, ColumnSchema, ExportOptions, ExportSession, Exporter, ExporterInfo, PluginError,
    Section, Value, cell_text, config, time,
};

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Config {
    delimiter: String,
    bom: bool,
    formula_protection: bool,
    header: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            delimiter: ",".into(),
            bom: false,
            formula_protection: true,
            header: true,
        }
    }
}

fn schema() -> String {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "CSV",
        "type": "object",
        "properties": {
            "delimiter": {
                "type": "string", "title": "Delimiter", "minLength": 1, "maxLength": 1, "default": ",",
                "description": "One character between fields, e.g. \",\", \";\" or a tab."
            },
            "bom": {
                "type": "boolean", "title": "UTF-8 BOM", "default": false,
                "description": "Start the file with a byte order mark so Excel reads it as UTF-8."
            },
            "formula_protection": {
                "type": "boolean", "title": "Formula protection", "default": true,
                "description": "Prefix text starting with = + - @, tab or CR with ' so spreadsheets do not run it as a formula."
            },
            "header": {
                "type": "boolean", "title": "Header row", "default": true,
                "description": "Write the column names as the first row."
            }
        },
        "additionalProperties": false
    })
    .to_string()
}

/// The `csv` exporter.
pub struct Csv;

/// One CSV export in progress.
pub struct CsvSession {
    delimiter: char,
    protect: bool,
    header: bool,
    offset_minutes: i32,
    /// Columns of the rows being written (the current section's in a report).
    columns: usize,
    /// Output not yet handed out (BOM, header), emitted with the next call.
    pending: String,
    /// Whether a section has begun, so the next one is set off by a blank line.
    in_section: bool,
    /// Bytes of the last batch's output, to size the next one.
    last_len: usize,
}

impl Exporter for Csv {
    type Session = CsvSession;

    fn describe() -> ExporterInfo {
        ExporterInfo {
            id: "csv".into(),
            name: "CSV".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Comma-separated values (RFC 4180) for spreadsheets and scripts.".into(),
            media_type: "text/csv; charset=utf-8".into(),
            file_extension: "csv".into(),
            config_schema: schema(),
        }
    }

    fn open(options: ExportOptions, schema: Vec<ColumnSchema>) -> Result<CsvSession, PluginError> {
        let cfg: Config = config(&options.config)?;
        let mut chars = cfg.delimiter.chars();
        let delimiter = match (chars.next(), chars.next()) {
            (Some(c), None) if !matches!(c, '"' | '\r' | '\n') => c,
            _ => {
                return Err(PluginError::InvalidConfig(format!(
                    "config: delimiter must be one character other than a quote or line break, got {:?}",
                    cfg.delimiter
                )));
            }
        };
        let mut session = CsvSession {
            delimiter,
            protect: cfg.formula_protection,
            header: cfg.header,
            offset_minutes: options.utc_offset_minutes,
            columns: schema.len(),
            pending: String::new(),
            in_section: false,
            last_len: 0,
        };
        if cfg.bom {
            session.pending.push('\u{FEFF}');
        }
        // A report opens with no columns; its sections bring their own.
        if !schema.is_empty() {
            let mut head = std::mem::take(&mut session.pending);
            session.push_header(&mut head, &schema);
            session.pending = head;
        }
        Ok(session)
    }
}

/// Cells starting with these are read as formulas by spreadsheets.
fn is_dangerous(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Append `"prefix field"` with the field's quotes doubled.
fn push_quoted(out: &mut String, prefix: &str, field: &str) {
    out.push('"');
    out.push_str(prefix);
    for (i, part) in field.split('"').enumerate() {
        if i > 0 {
            out.push_str("\"\"");
        }
        out.push_str(part);
    }
    out.push('"');
}

impl CsvSession {
    /// Append a field, quoted only when it holds the delimiter, a quote or
    /// a line break (checked byte by byte for an ASCII delimiter).
    fn push_field(&self, out: &mut String, field: &str) {
        let needs = match u8::try_from(self.delimiter).ok().filter(u8::is_ascii) {
            Some(d) => field
                .bytes()
                .any(|b| b == d || matches!(b, b'"' | b'\r' | b'\n')),
            None => field.contains(['"', '\r', '\n', self.delimiter]),
        };
        if needs {
            push_quoted(out, "", field);
        } else {
            out.push_str(field);
        }
    }

    fn push_header(&self, out: &mut String, schema: &[ColumnSchema]) {
        if !self.header || schema.is_empty() {
            return;
        }
        for (i, c) in schema.iter().enumerate() {
            if i > 0 {
                out.push(self.delimiter);
            }
            self.push_text(out, &c.name);
        }
        out.push_str("\r\n");
    }

    fn push_text(&self, out: &mut String, s: &str) {
        if self.protect && is_dangerous(s) {
            // Quoted, with the neutralizing `'` inside the quotes.
            push_quoted(out, "'", s);
        } else {
            self.push_field(out, s);
        }
    }
}

impl ExportSession for CsvSession {
    fn begin_section(&mut self, section: Section) -> Result<Vec<u8>, PluginError> {
        let mut out = std::mem::take(&mut self.pending);
        if self.in_section {
            out.push_str("\r\n");
        }
        self.push_text(&mut out, &section.title);
        out.push_str("\r\n");
        self.push_header(&mut out, &section.schema);
        self.columns = section.schema.len();
        self.in_section = true;
        Ok(out.into_bytes())
    }

    fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
        let cols = batch.columns.len();
        if cols != self.columns {
            return Err(PluginError::InvalidData(format!(
                "batch has {cols} columns, the schema {}",
                self.columns
            )));
        }
        let mut out = std::mem::take(&mut self.pending);
        // Most batches are as long as the last one: grow once, not per row.
        out.reserve(self.last_len);
        for row in 0..batch.rows() {
            for col in 0..cols {
                if col > 0 {
                    out.push(self.delimiter);
                }
                match batch.value(row, col) {
                    Value::Null => {}
                    // Non-finite floats stay empty, like nulls.
                    Value::Float(v) => {
                        cell_text::push_float(&mut out, v);
                    }
                    Value::Int(v) => cell_text::push_int(&mut out, v),
                    Value::Timestamp(ms) => time::push_iso8601(&mut out, ms, self.offset_minutes),
                    Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                    Value::Text(s) => self.push_text(&mut out, s),
                }
            }
            out.push_str("\r\n");
        }
        self.last_len = out.len();
        Ok(out.into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        Ok(std::mem::take(&mut self.pending).into_bytes())
    }
}

wasmdash_plugin_sdk::export_plugin!(exporter: Csv);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{Column, ColumnKind, ColumnValues};

    fn open(cfg: &str) -> Result<CsvSession, PluginError> {
        let schema = ["name", "n"]
            .iter()
            .map(|n| ColumnSchema {
                name: (*n).into(),
                label: (*n).into(),
                kind: ColumnKind::Text,
            })
            .collect();
        Csv::open(
            ExportOptions {
                config: cfg.into(),
                title: "t".into(),
                time_range: None,
                timezone: "UTC".into(),
                utc_offset_minutes: 0,
                generated_at_ms: 0,
            },
            schema,
        )
    }

    fn batch(texts: &[&str]) -> Batch {
        Batch {
            row_count: texts.len() as u32,
            columns: vec![
                Column {
                    values: ColumnValues::Text(texts.iter().map(|s| (*s).into()).collect()),
                    nulls: vec![],
                },
                Column {
                    values: ColumnValues::Float64(vec![-1.5; texts.len()]),
                    nulls: (0..texts.len()).map(|i| i == 0).collect(),
                },
            ],
        }
    }

    #[test]
    fn quotes_and_protects() {
        let mut s = open("").unwrap();
        let out =
            String::from_utf8(s.write(batch(&["a,b", "=1+1", "say \"hi\"\n"])).unwrap()).unwrap();
        assert_eq!(
            out,
            "name,n\r\n\"a,b\",\r\n\"'=1+1\",-1.5\r\n\"say \"\"hi\"\"\n\",-1.5\r\n"
        );
        assert!(s.finish().unwrap().is_empty());
    }

    #[test]
    fn options_and_bad_delimiter() {
        let mut s =
            open(r#"{"delimiter":";","bom":true,"formula_protection":false,"header":false}"#)
                .unwrap();
        let out = String::from_utf8(s.write(batch(&["x;y", "@x"])).unwrap()).unwrap();
        assert_eq!(out, "\u{FEFF}\"x;y\";\r\n@x;-1.5\r\n");
        for bad in [
            r#"{"delimiter":""}"#,
            r#"{"delimiter":",,"}"#,
            r#"{"delimiter":"\""}"#,
            r#"{"bom":1}"#,
        ] {
            assert!(
                matches!(open(bad), Err(PluginError::InvalidConfig(_))),
                "{bad}"
            );
        }
        let mut empty = open("").unwrap();
        assert_eq!(empty.finish().unwrap(), b"name,n\r\n");
        let mut s = open("").unwrap();
        let one = Batch {
            row_count: 1,
            columns: vec![],
        };
        assert!(matches!(s.write(one), Err(PluginError::InvalidData(_))));
    }

    #[test]
    fn sections_are_blocks_with_title_and_header() {
        let mut s = Csv::open(
            ExportOptions {
                config: r#"{"bom":true}"#.into(),
                title: "Board".into(),
                time_range: None,
                timezone: "UTC".into(),
                utc_offset_minutes: 0,
                generated_at_ms: 0,
            },
            vec![],
        )
        .unwrap();
        let section = |title: &str| Section {
            title: title.into(),
            chart: wasmdash_plugin_sdk::ChartKind::Bar,
            schema: ["name", "n"]
                .iter()
                .map(|n| ColumnSchema {
                    name: (*n).into(),
                    label: (*n).into(),
                    kind: ColumnKind::Text,
                })
                .collect(),
        };
        let mut out = s.begin_section(section("Sales, by region")).unwrap();
        out.extend(s.write(batch(&["a"])).unwrap());
        out.extend(s.begin_section(section("=Risky")).unwrap());
        out.extend(s.write(batch(&["b", "c"])).unwrap());
        out.extend(s.finish().unwrap());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{FEFF}\"Sales, by region\"\r\nname,n\r\na,\r\n\r\n\"'=Risky\"\r\nname,n\r\nb,\r\nc,-1.5\r\n"
        );
    }
}
