//! Built-in exporter `json`: a JSON array of objects streamed batch by batch
//! (`[` with the first batch, commas between rows, `]` at finish), or NDJSON
//! (one object per line). Numbers stay numbers, nulls stay null, timestamps
//! are ISO 8601 strings in the export's UTC offset.
//!
//! A multi-part report (a dashboard) is an array of section objects
//! `{"title", "chart", "columns", "rows": [...]}`, rows streamed into the
//! open section; with NDJSON, one section object per line. Each column is
//! `{"name", "label", "kind"}` plus its display `format` (`{"kind":
//! "currency", "unit": "USD", "decimals": 2}`) when the dataset or metric
//! declares one, so a reader can show values as the dashboard does; the
//! values themselves stay raw numbers.
//!
//! With the `metadata` option a plain export is one object
//! `{"columns": [...], "rows": [...]}` instead of a bare array.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::display::{self, ColumnFormatKind};
use wasmdash_plugin_sdk::{
    Batch, ChartKind, ColumnKind, ColumnSchema, ExportOptions, ExportSession, Exporter,
    PluginConfig, PluginError, PluginMeta, Section, Value, cell_text, time,
};

/// The `json` exporter's options.
#[derive(Debug, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// One JSON object per line instead of one array.
    #[schemars(title = "NDJSON")]
    ndjson: bool,
    /// Wrap the rows in {"columns": [...], "rows": [...]}, each column with its name, label, type and display format.
    #[schemars(title = "Column metadata")]
    metadata: bool,
}

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        if self.metadata && self.ndjson {
            return Err("metadata needs the array form: turn ndjson off".into());
        }
        Ok(())
    }
}

/// The `json` exporter.
pub struct Json;

/// One JSON export in progress.
pub struct JsonSession {
    ndjson: bool,
    offset_minutes: i32,
    /// Column names, already JSON-encoded with the colon.
    keys: Vec<String>,
    /// Rows written into the current array (the export's, or the section's).
    rows_written: u64,
    /// Sections begun; zero for a plain table export.
    sections: u64,
    /// What opens a plain export's rows: `[`, or with metadata
    /// `{"columns":[...],"rows":[`.
    open_rows: String,
    /// What closes them: `]`, or with metadata `]}`.
    close_rows: &'static str,
}

fn json_string(s: &str) -> String {
    // Serializing a &str cannot fail.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Append `s` as a JSON string; text with nothing to escape (the usual
/// case) is copied as is.
fn push_json_string(out: &mut String, s: &str) {
    if s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(&json_string(s));
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

fn keys(schema: &[ColumnSchema]) -> Vec<String> {
    schema
        .iter()
        .map(|c| format!("{}:", json_string(&c.name)))
        .collect()
}

fn chart_name(c: ChartKind) -> &'static str {
    match c {
        ChartKind::None => "none",
        ChartKind::Line => "line",
        ChartKind::Bar => "bar",
        ChartKind::Pie => "pie",
        ChartKind::Value => "value",
    }
}

fn format_kind_name(k: ColumnFormatKind) -> &'static str {
    match k {
        ColumnFormatKind::Plain => "plain",
        ColumnFormatKind::Number => "number",
        ColumnFormatKind::Id => "id",
        ColumnFormatKind::Percent => "percent",
        ColumnFormatKind::Currency => "currency",
        ColumnFormatKind::Duration => "duration",
        ColumnFormatKind::Date => "date",
        ColumnFormatKind::DateTime => "datetime",
    }
}

/// The columns of `schema` as a JSON array: name, label, type, and the
/// display format the host answers for the column unless it is plain.
fn columns_json(schema: &[ColumnSchema]) -> String {
    let formats = display::columns();
    let columns: Vec<String> = schema
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut out = format!(
                "{{\"name\":{},\"label\":{},\"kind\":\"{}\"",
                json_string(&c.name),
                json_string(&c.label),
                kind_name(c.kind)
            );
            if let Some(f) = formats.get(i).filter(|f| !f.is_plain()) {
                let _ = write!(
                    out,
                    ",\"format\":{{\"kind\":\"{}\"",
                    format_kind_name(f.kind)
                );
                if !f.unit.is_empty() {
                    let _ = write!(out, ",\"unit\":{}", json_string(&f.unit));
                }
                if let Some(d) = f.decimals {
                    let _ = write!(out, ",\"decimals\":{d}");
                }
                out.push('}');
            }
            out.push('}');
            out
        })
        .collect();
    format!("[{}]", columns.join(","))
}

fn kind_name(k: ColumnKind) -> &'static str {
    match k {
        ColumnKind::Float64 => "float64",
        ColumnKind::Int64 => "int64",
        ColumnKind::Timestamp => "timestamp",
        ColumnKind::Boolean => "boolean",
        ColumnKind::Text => "text",
    }
}

impl Exporter for Json {
    const META: PluginMeta = PluginMeta {
        id: "json",
        name: "JSON",
        version: env!("CARGO_PKG_VERSION"),
        description: "A JSON array of row objects with typed values (or NDJSON).",
    };
    const MEDIA_TYPE: &'static str = "application/json";
    const FILE_EXTENSION: &'static str = "json";
    type Config = Config;
    type Session = JsonSession;

    fn open(
        cfg: Config,
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<JsonSession, PluginError> {
        let (open_rows, close_rows) = if cfg.metadata {
            (
                format!("{{\"columns\":{},\"rows\":[", columns_json(&schema)),
                "]}",
            )
        } else {
            ("[".to_owned(), "]")
        };
        Ok(JsonSession {
            ndjson: cfg.ndjson,
            offset_minutes: options.utc_offset_minutes,
            keys: keys(&schema),
            rows_written: 0,
            sections: 0,
            open_rows,
            close_rows,
        })
    }
}

impl JsonSession {
    fn push_row(&self, out: &mut String, batch: &Batch, row: usize) {
        out.push('{');
        for (col, key) in self.keys.iter().enumerate() {
            if col > 0 {
                out.push(',');
            }
            out.push_str(key);
            match batch.value(row, col) {
                Value::Null => out.push_str("null"),
                // Shortest text that parses back exactly and stays a float
                // (`3.0`), as serde_json prints it.
                Value::Float(v) if v.is_finite() => {
                    out.push_str(ryu::Buffer::new().format_finite(v));
                }
                // NaN and infinities have no JSON number.
                Value::Float(_) => out.push_str("null"),
                Value::Int(v) => cell_text::push_int(out, v),
                Value::Timestamp(ms) => {
                    // ISO 8601 never needs escaping.
                    out.push('"');
                    time::push_iso8601(out, ms, self.offset_minutes);
                    out.push('"');
                }
                Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                Value::Text(s) => push_json_string(out, s),
            }
        }
        out.push('}');
    }

    /// Closes the open section object.
    fn close_section(&self, out: &mut String) {
        // In NDJSON the section stays on one line.
        out.push_str(if self.rows_written == 0 || self.ndjson {
            "]}"
        } else {
            "\n]}"
        });
    }
}

impl ExportSession for JsonSession {
    fn begin_section(&mut self, section: Section) -> Result<Vec<u8>, PluginError> {
        if self.sections == 0 && self.rows_written > 0 {
            return Err(PluginError::InvalidData(
                "a section cannot begin after rows of a plain table export".into(),
            ));
        }
        let mut out = String::new();
        if self.sections == 0 {
            if !self.ndjson {
                out.push_str("[\n");
            }
        } else {
            self.close_section(&mut out);
            out.push_str(if self.ndjson { "\n" } else { ",\n" });
        }
        let _ = write!(
            out,
            "{{\"title\":{},\"chart\":\"{}\",\"columns\":{},\"rows\":[",
            json_string(&section.title),
            chart_name(section.chart),
            columns_json(&section.schema)
        );
        self.keys = keys(&section.schema);
        self.rows_written = 0;
        self.sections += 1;
        Ok(out.into_bytes())
    }

    fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
        if batch.columns.len() != self.keys.len() {
            return Err(PluginError::InvalidData(format!(
                "batch has {} columns, the schema {}",
                batch.columns.len(),
                self.keys.len()
            )));
        }
        let mut out = String::new();
        let in_section = self.sections > 0;
        for row in 0..batch.rows() {
            if in_section {
                // In NDJSON a section's rows stay on its one line.
                if self.rows_written > 0 {
                    out.push(',');
                }
                if !self.ndjson {
                    out.push('\n');
                }
            } else if !self.ndjson {
                if self.rows_written == 0 {
                    out.push_str(&self.open_rows);
                    out.push('\n');
                } else {
                    out.push_str(",\n");
                }
            }
            self.push_row(&mut out, &batch, row);
            if self.ndjson && !in_section {
                out.push('\n');
            }
            self.rows_written += 1;
        }
        Ok(out.into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        let mut out = String::new();
        if self.sections > 0 {
            self.close_section(&mut out);
            out.push_str(if self.ndjson { "\n" } else { "\n]\n" });
        } else if !self.ndjson {
            if self.rows_written == 0 {
                out.push_str(&self.open_rows);
            } else {
                out.push('\n');
            }
            out.push_str(self.close_rows);
            out.push('\n');
        }
        Ok(out.into_bytes())
    }
}

wasmdash_plugin_sdk::export_plugin!(exporter: Json);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing;
    use wasmdash_plugin_sdk::{Column, ColumnValues};

    const COLUMNS: &[(&str, ColumnKind)] = &[
        ("t", ColumnKind::Timestamp),
        ("v", ColumnKind::Float64),
        ("s", ColumnKind::Text),
    ];

    fn open(cfg: &str) -> Result<JsonSession, PluginError> {
        testing::open::<Json>(
            ExportOptions {
                timezone: "Europe/Berlin".into(),
                utc_offset_minutes: 60,
                ..testing::export_options(cfg)
            },
            testing::columns(COLUMNS),
        )
    }

    fn batch(n: usize) -> Batch {
        Batch {
            row_count: n as u32,
            columns: vec![
                Column {
                    values: ColumnValues::Timestamp(vec![0; n]),
                    nulls: vec![],
                },
                Column {
                    values: ColumnValues::Float64(vec![0.1; n]),
                    nulls: (0..n).map(|i| i == 1).collect(),
                },
                Column {
                    values: ColumnValues::Text(vec!["\"ü\"\n".into(); n]),
                    nulls: vec![],
                },
            ],
        }
    }

    #[test]
    fn array_over_batches_parses_with_types() {
        let mut s = open("").unwrap();
        let mut out = s.write(batch(2)).unwrap();
        out.extend(s.write(batch(0)).unwrap());
        out.extend(s.write(batch(1)).unwrap());
        out.extend(s.finish().unwrap());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let rows = v.as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0]["t"], "1970-01-01T01:00:00+01:00");
        assert_eq!(rows[0]["v"], 0.1);
        assert!(rows[1]["v"].is_null());
        assert_eq!(rows[2]["s"], "\"ü\"\n");
    }

    #[test]
    fn empty_and_ndjson_and_bad_config() {
        let mut s = open("").unwrap();
        assert_eq!(s.finish().unwrap(), b"[]\n");
        let mut s = open(r#"{"ndjson":true}"#).unwrap();
        let out = String::from_utf8(s.write(batch(2)).unwrap()).unwrap();
        assert_eq!(out.lines().count(), 2);
        assert!(
            out.lines()
                .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
        );
        for bad in [r#"{"ndjson":"yes"}"#, r#"{"pretty":true}"#] {
            assert!(
                matches!(open(bad), Err(PluginError::InvalidConfig(_))),
                "{bad}"
            );
        }
        let info = testing::describe_exporter::<Json>();
        assert_eq!(info.media_type, "application/json");
        let schema: serde_json::Value = serde_json::from_str(&info.config_schema).unwrap();
        assert_eq!(schema["properties"]["ndjson"]["default"], false);
        assert_eq!(schema["additionalProperties"], false);
        let mut s = open("").unwrap();
        s.write(batch(1)).unwrap();
        assert!(matches!(
            s.begin_section(section("late")),
            Err(PluginError::InvalidData(_))
        ));
        let mut s = open("").unwrap();
        assert!(matches!(
            s.write(Batch {
                row_count: 1,
                columns: vec![]
            }),
            Err(PluginError::InvalidData(_))
        ));
    }

    fn section(title: &str) -> Section {
        Section {
            title: title.into(),
            chart: ChartKind::Line,
            schema: testing::columns(COLUMNS),
        }
    }

    #[test]
    fn columns_carry_their_display_format_where_one_is_declared() {
        use wasmdash_plugin_sdk::display::{ColumnFormat, Display};
        let formats = Display {
            columns: vec![
                ColumnFormat::of(ColumnFormatKind::DateTime, "", None),
                ColumnFormat::of(ColumnFormatKind::Currency, "USD", Some(2)),
                ColumnFormat::plain(),
            ],
            ..Display::default()
        };
        let report = testing::with_display(formats.clone(), || {
            let mut s = open("").unwrap();
            let mut out = s.begin_section(section("Orders")).unwrap();
            out.extend(s.write(batch(1)).unwrap());
            out.extend(s.finish().unwrap());
            out
        });
        let v: serde_json::Value = serde_json::from_slice(&report).unwrap();
        let cols = &v[0]["columns"];
        assert_eq!(cols[0]["format"], serde_json::json!({"kind": "datetime"}));
        assert_eq!(
            cols[1]["format"],
            serde_json::json!({"kind": "currency", "unit": "USD", "decimals": 2})
        );
        assert!(cols[2].get("format").is_none(), "{cols}");
        // Values stay raw numbers.
        assert_eq!(v[0]["rows"][0]["v"], 0.1);

        let plain = testing::with_display(formats, || {
            let mut s = open(r#"{"metadata":true}"#).unwrap();
            let mut out = s.write(batch(2)).unwrap();
            out.extend(s.finish().unwrap());
            out
        });
        let v: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(v["columns"][1]["label"], "v");
        assert_eq!(v["columns"][1]["format"]["unit"], "USD");
        assert_eq!(v["rows"].as_array().unwrap().len(), 2);
        let mut empty = open(r#"{"metadata":true}"#).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&empty.finish().unwrap()).unwrap();
        assert_eq!(v["rows"], serde_json::json!([]));
        assert_eq!(v["columns"][0]["name"], "t");
        assert!(matches!(
            open(r#"{"metadata":true,"ndjson":true}"#),
            Err(PluginError::InvalidConfig(m)) if m.contains("ndjson off")
        ));
    }

    #[test]
    fn sections_parse_as_array_and_ndjson() {
        for ndjson in [false, true] {
            let cfg = format!(r#"{{"ndjson":{ndjson}}}"#);
            let mut s = open(&cfg).unwrap();
            let mut out = s.begin_section(section("A \"one\"")).unwrap();
            out.extend(s.write(batch(2)).unwrap());
            out.extend(s.write(batch(1)).unwrap());
            out.extend(s.begin_section(section("empty")).unwrap());
            out.extend(s.begin_section(section("C")).unwrap());
            out.extend(s.write(batch(1)).unwrap());
            out.extend(s.finish().unwrap());
            let text = String::from_utf8(out).unwrap();
            let parts: Vec<serde_json::Value> = if ndjson {
                text.lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect()
            } else {
                serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap()
            };
            assert_eq!(parts.len(), 3, "{text}");
            assert_eq!(parts[0]["title"], "A \"one\"");
            assert_eq!(parts[0]["chart"], "line");
            assert_eq!(parts[0]["columns"][1]["kind"], "float64");
            assert_eq!(parts[0]["rows"].as_array().unwrap().len(), 3);
            assert_eq!(parts[0]["rows"][0]["v"], 0.1);
            assert!(parts[0]["rows"][1]["v"].is_null());
            assert_eq!(parts[1]["rows"].as_array().unwrap().len(), 0);
            assert_eq!(parts[2]["rows"][0]["s"], "\"ü\"\n");
        }
    }
}
