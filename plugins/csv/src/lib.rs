//! Built-in exporter `csv`: RFC 4180 (CRLF line ends, fields quoted when
//! they hold the delimiter, a quote or a line break, quotes doubled), a
//! header row, an optional UTF-8 BOM for Excel, and formula-injection
//! protection on by default: a text cell starting with `=`, `+`, `-`, `@`,
//! tab or CR gets a leading `'` (and quotes), as OWASP recommends, so
//! spreadsheets show it as text instead of running it. The quoting rules
//! are `csv-core`'s (see [`fields`]).
//!
//! The header row holds the column names, which scripts rely on; the
//! `header_labels` option writes the dataset's labels instead ("Customer"
//! for `customer_id`) for people opening the file. Values stay raw (no
//! currency signs or separators), so spreadsheets can compute with them.
//!
//! A multi-part report (a dashboard) becomes one block per section: a blank
//! line between blocks, the section title on a line of its own, then the
//! section's header row and rows.

mod fields;
mod session;

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::{
    ColumnSchema, ExportOptions, Exporter, PluginConfig, PluginError, PluginMeta,
};

use fields::Fields;
pub use session::CsvSession;
use session::Layout;

/// The `csv` exporter's options.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// One character between fields, e.g. ",", ";" or a tab.
    #[schemars(title = "Delimiter", length(equal = 1))]
    delimiter: String,
    /// Start the file with a byte order mark so Excel reads it as UTF-8.
    #[schemars(title = "UTF-8 BOM")]
    bom: bool,
    /// Prefix text starting with = + - @, tab or CR with ' so spreadsheets do not run it as a formula.
    #[schemars(title = "Formula protection")]
    formula_protection: bool,
    /// Write the column names as the first row.
    #[schemars(title = "Header row")]
    header: bool,
    /// Write the columns' labels ("Customer") in the header row instead of their names ("customer_id").
    #[schemars(title = "Labels in the header")]
    header_labels: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            delimiter: ",".into(),
            bom: false,
            formula_protection: true,
            header: true,
            header_labels: false,
        }
    }
}

impl Config {
    /// The delimiter: one character other than a quote or a line break.
    fn delimiter(&self) -> Result<char, String> {
        let mut chars = self.delimiter.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !matches!(c, '"' | '\r' | '\n') => Ok(c),
            _ => Err(format!(
                "delimiter must be one character other than a quote or line break, got {:?}",
                self.delimiter
            )),
        }
    }
}

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        self.delimiter().map(|_| ())
    }
}

/// The `csv` exporter.
pub struct Csv;

impl Exporter for Csv {
    const META: PluginMeta = PluginMeta {
        id: "csv",
        name: "CSV",
        version: env!("CARGO_PKG_VERSION"),
        description: "Comma-separated values (RFC 4180) for spreadsheets and scripts.",
    };
    const MEDIA_TYPE: &'static str = "text/csv; charset=utf-8";
    const FILE_EXTENSION: &'static str = "csv";
    type Config = Config;
    type Session = CsvSession;

    fn open(
        cfg: Config,
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<CsvSession, PluginError> {
        let delimiter = cfg
            .delimiter()
            .map_err(|m| PluginError::InvalidConfig(format!("config: {m}")))?;
        Ok(CsvSession::new(
            Fields::new(delimiter, cfg.formula_protection),
            Layout {
                bom: cfg.bom,
                header: cfg.header,
                labels: cfg.header_labels,
                offset_minutes: options.utc_offset_minutes,
            },
            &schema,
        ))
    }
}

wasmdash_plugin_sdk::export_plugin!(exporter: Csv);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing;
    use wasmdash_plugin_sdk::{Batch, Column, ColumnKind, ColumnValues, ExportSession, Section};

    const COLUMNS: &[(&str, ColumnKind)] = &[("name", ColumnKind::Text), ("n", ColumnKind::Text)];

    fn open(cfg: &str) -> Result<CsvSession, PluginError> {
        testing::open::<Csv>(testing::export_options(cfg), testing::columns(COLUMNS))
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
            r#"{"quote":"'"}"#,
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
    fn the_header_may_carry_labels_instead_of_names() {
        let schema = vec![
            ColumnSchema {
                name: "customer_id".into(),
                label: "Customer".into(),
                kind: ColumnKind::Int64,
            },
            ColumnSchema {
                name: "amount".into(),
                label: "Amount, USD".into(),
                kind: ColumnKind::Float64,
            },
            ColumnSchema {
                name: "note".into(),
                label: String::new(),
                kind: ColumnKind::Text,
            },
        ];
        let header = |cfg: &str| {
            let mut s = testing::open::<Csv>(testing::export_options(cfg), schema.clone()).unwrap();
            String::from_utf8(s.finish().unwrap()).unwrap()
        };
        assert_eq!(header(""), "customer_id,amount,note\r\n");
        assert_eq!(
            header(r#"{"header_labels":true}"#),
            "Customer,\"Amount, USD\",note\r\n"
        );
        let mut s =
            testing::open::<Csv>(testing::export_options(r#"{"header_labels":true}"#), vec![])
                .unwrap();
        let out = s
            .begin_section(Section {
                title: "Latest".into(),
                chart: wasmdash_plugin_sdk::ChartKind::None,
                schema: schema.clone(),
            })
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Latest\r\nCustomer,\"Amount, USD\",note\r\n"
        );
    }

    #[test]
    fn sections_are_blocks_with_title_and_header() {
        let mut s =
            testing::open::<Csv>(testing::export_options(r#"{"bom":true}"#), vec![]).unwrap();
        let section = |title: &str| Section {
            title: title.into(),
            chart: wasmdash_plugin_sdk::ChartKind::Bar,
            schema: testing::columns(COLUMNS),
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

    #[test]
    fn any_one_character_delimits_and_numbers_holding_it_are_quoted() {
        let schema = testing::columns(&[("a b", ColumnKind::Text), ("n", ColumnKind::Float64)]);
        let rows = Batch {
            row_count: 2,
            columns: vec![
                Column {
                    values: ColumnValues::Text(vec!["x§y".into(), "é".into()]),
                    nulls: vec![],
                },
                Column {
                    values: ColumnValues::Float64(vec![1.5, 2.0]),
                    nulls: vec![],
                },
            ],
        };
        let encode = |cfg: &str| {
            let mut s = testing::open::<Csv>(testing::export_options(cfg), schema.clone()).unwrap();
            String::from_utf8(s.write(rows.clone()).unwrap()).unwrap()
        };
        assert_eq!(
            encode(r#"{"delimiter":"§"}"#),
            "a b§n\r\n\"x§y\"§1.5\r\né§2\r\n"
        );
        assert_eq!(
            encode(r#"{"delimiter":" "}"#),
            "\"a b\" n\r\nx§y 1.5\r\né 2\r\n"
        );
        assert_eq!(
            encode(r#"{"delimiter":"."}"#),
            "a b.n\r\nx§y.\"1.5\"\r\né.2\r\n"
        );
    }

    #[test]
    fn describes_itself_with_the_schema_of_its_config() {
        let info = testing::describe_exporter::<Csv>();
        assert_eq!(
            (info.media_type.as_str(), info.file_extension.as_str()),
            ("text/csv; charset=utf-8", "csv")
        );
        let schema: serde_json::Value = serde_json::from_str(&info.config_schema).unwrap();
        let p = &schema["properties"];
        assert_eq!(
            (
                &p["delimiter"]["default"],
                &p["delimiter"]["minLength"],
                &p["delimiter"]["maxLength"]
            ),
            (&",".into(), &1.into(), &1.into())
        );
        assert_eq!(
            (
                &p["bom"]["default"],
                &p["formula_protection"]["default"],
                &p["header"]["default"],
                &p["header_labels"]["default"]
            ),
            (&false.into(), &true.into(), &true.into(), &false.into())
        );
        assert_eq!(schema["additionalProperties"], false);
    }
}
