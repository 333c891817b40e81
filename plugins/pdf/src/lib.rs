//! Built-in exporter `pdf`: a report with the title, the time range, the
//! generation time and "Page n of m" on every page. A table export becomes
//! one table paginated with its header repeated on every page, column widths
//! fitted to the text and long text wrapped; a dashboard report becomes one
//! section per widget: its chart drawn as vector graphics (line, bar, pie or
//! a big value card) followed by its data. Text is real (built-in
//! Helvetica), so it can be selected and searched.
//!
//! A PDF's page count is known only at the end, so the document is laid out
//! and written by `finish`. Until then rows are kept as display text (one
//! string per part, an offset per cell) up to a cap (default 10,000 rows);
//! rows past the cap are counted and a note in the document says how many
//! were left out.

mod charts;
mod draw;
mod layout;
mod metrics;
mod part;

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::{
    Batch, ChartKind, ColumnSchema, ExportOptions, ExportSession, Exporter, PluginConfig,
    PluginError, PluginMeta, Section, format, time,
};

use part::{Looks, Part};
/// Default cap on rows in one PDF.
const DEFAULT_MAX_ROWS: u32 = 10_000;
/// Largest cap the config allows: what fits the default 64 MiB instance
/// memory, since the whole document is laid out in `finish` (measured with
/// the end-to-end test's five-column table: 20,000 rows fit, 30,000 ran out
/// of memory; tests/all/builtin_pdf.rs checks the cap itself).
const MAX_MAX_ROWS: u32 = 20_000;

/// The `pdf` exporter's options.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// At most this many rows go into the PDF; the document says when rows were left out.
    #[schemars(title = "Row cap", range(min = 1, max = MAX_MAX_ROWS))]
    max_rows: u32,
    /// Wide pages, for tables with many columns.
    #[schemars(title = "Landscape")]
    landscape: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_rows: DEFAULT_MAX_ROWS,
            landscape: false,
        }
    }
}

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        if (1..=MAX_MAX_ROWS).contains(&self.max_rows) {
            Ok(())
        } else {
            Err(format!("max_rows must be between 1 and {MAX_MAX_ROWS}"))
        }
    }
}

/// The `pdf` exporter.
pub struct Pdf;

/// One PDF export in progress.
pub struct PdfSession {
    landscape: bool,
    max_rows: u64,
    title: String,
    subtitle: Vec<String>,
    offset_minutes: i32,
    /// When the host generated the export, Unix ms: the document's
    /// creation date (a guest has no trustworthy clock of its own).
    generated_at_ms: i64,
    parts: Vec<Part>,
    /// Rows kept for the tables, over all parts.
    kept_rows: u64,
    /// Rows received, over all parts.
    total_rows: u64,
}

impl Exporter for Pdf {
    const META: PluginMeta = PluginMeta {
        id: "pdf",
        name: "PDF report",
        version: env!("CARGO_PKG_VERSION"),
        description: "A printable report: title, time range, charts and the rows as paginated tables.",
    };
    const MEDIA_TYPE: &'static str = "application/pdf";
    const FILE_EXTENSION: &'static str = "pdf";
    type Config = Config;
    type Session = PdfSession;

    fn open(
        cfg: Config,
        options: ExportOptions,
        schema: Vec<ColumnSchema>,
    ) -> Result<PdfSession, PluginError> {
        let offset = options.utc_offset_minutes;
        let tz = if options.timezone.is_empty() {
            "UTC".to_owned()
        } else {
            options.timezone.clone()
        };
        let mut subtitle = Vec::new();
        if let Some(r) = &options.time_range {
            subtitle.push(format!(
                "Time range: {} ({} to {}, {tz})",
                r.label,
                time::date_time(r.start_ms, offset),
                time::date_time(r.end_ms, offset)
            ));
        }
        subtitle.push(format!(
            "Generated: {} ({tz})",
            time::date_time(options.generated_at_ms, offset)
        ));
        // A report opens with no columns; its sections bring their own.
        let parts = if schema.is_empty() {
            Vec::new()
        } else {
            vec![Part::new(
                None,
                ChartKind::None,
                &schema,
                Looks::from_host(),
            )?]
        };
        Ok(PdfSession {
            landscape: cfg.landscape,
            max_rows: u64::from(cfg.max_rows),
            title: if options.title.trim().is_empty() {
                "Export".into()
            } else {
                options.title
            },
            subtitle,
            offset_minutes: offset,
            generated_at_ms: options.generated_at_ms,
            parts,
            kept_rows: 0,
            total_rows: 0,
        })
    }
}

impl ExportSession for PdfSession {
    fn begin_section(&mut self, section: Section) -> Result<Vec<u8>, PluginError> {
        let title = if section.title.trim().is_empty() {
            format!("Section {}", self.parts.len() + 1)
        } else {
            section.title
        };
        self.parts.push(Part::new(
            Some(title),
            section.chart,
            &section.schema,
            Looks::from_host(),
        )?);
        Ok(Vec::new())
    }

    fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
        let Some(part) = self.parts.last_mut() else {
            return Err(PluginError::InvalidData(
                "rows arrived before any columns: open with a schema or begin a section".into(),
            ));
        };
        if batch.columns.len() != part.columns() {
            return Err(PluginError::InvalidData(format!(
                "batch has {} columns, the schema {}",
                batch.columns.len(),
                part.columns()
            )));
        }
        for row in 0..batch.rows() {
            self.total_rows += 1;
            let keep = self.kept_rows < self.max_rows;
            if keep {
                self.kept_rows += 1;
            }
            part.take_row(&batch, row, keep, self.offset_minutes);
        }
        Ok(Vec::new())
    }

    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        let note = (self.total_rows > self.kept_rows).then(|| {
            format!(
                "Row cap reached: showing the first {} of {} rows. Export as CSV or JSON for all rows.",
                format::number(self.kept_rows as f64, Some(0)),
                format::number(self.total_rows as f64, Some(0))
            )
        });
        let doc = layout::Doc {
            title: &self.title,
            subtitle: &self.subtitle,
            note: note.as_deref(),
            parts: &self.parts,
            landscape: self.landscape,
            offset_minutes: self.offset_minutes,
            generated_at_ms: self.generated_at_ms,
        };
        let bytes = layout::render(&doc);
        self.parts = Vec::new();
        Ok(bytes)
    }
}

wasmdash_plugin_sdk::export_plugin!(exporter: Pdf);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing;
    use wasmdash_plugin_sdk::{Column, ColumnKind, ColumnValues};

    fn open(cfg: &str) -> Result<PdfSession, PluginError> {
        testing::open::<Pdf>(
            ExportOptions {
                title: "Orders report".into(),
                time_range: Some(testing::time_range()),
                generated_at_ms: 1_700_000_000_000,
                ..testing::export_options(cfg)
            },
            vec![
                ColumnSchema {
                    name: "customer".into(),
                    label: "Customer".into(),
                    kind: ColumnKind::Text,
                },
                ColumnSchema {
                    name: "amount".into(),
                    label: "Amount".into(),
                    kind: ColumnKind::Float64,
                },
            ],
        )
    }

    fn batch(n: usize) -> Batch {
        Batch {
            row_count: n as u32,
            columns: vec![
                Column { values: ColumnValues::Text((0..n).map(|i| format!("Customer {i} with a rather long name that needs wrapping across the cell and then some more text to truncate it properly in the end")).collect()), nulls: vec![] },
                Column { values: ColumnValues::Float64((0..n).map(|i| i as f64 * 1.5).collect()), nulls: vec![] },
            ],
        }
    }

    #[test]
    fn writes_a_pdf_with_pages() {
        let mut s = open("").unwrap();
        assert!(s.write(batch(120)).unwrap().is_empty());
        let pdf = s.finish().unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
    }

    #[test]
    fn cells_follow_the_hosts_formats_and_the_date_is_the_hosts() {
        use wasmdash_plugin_sdk::display::{ColumnFormat, ColumnFormatKind, Display};
        let display = Display {
            columns: vec![
                ColumnFormat::plain(),
                ColumnFormat::of(ColumnFormatKind::Currency, "USD", None),
            ],
            ..Display::default()
        };
        let mut s = testing::with_display(display, || open("")).unwrap();
        s.write(batch(2)).unwrap();
        assert_eq!(s.parts[0].cells.get(1, 1), "$1.50");
        let pdf = s.finish().unwrap();
        // generated at 1,700,000,000,000 ms: 2023-11-14 22:13:20 UTC.
        let stamp = b"(D:20231114221320+00'00')";
        assert!(pdf.windows(stamp.len()).any(|w| w == stamp));
        assert!(!pdf.windows(9).any(|w| w == b"D:1970010"));
    }

    #[test]
    fn cap_and_bad_config() {
        let mut s = open(r#"{"max_rows":5}"#).unwrap();
        s.write(batch(20)).unwrap();
        assert_eq!(
            (s.parts[0].cells.rows(), s.kept_rows, s.total_rows),
            (5, 5, 20)
        );
        assert!(s.finish().unwrap().starts_with(b"%PDF"));
        for bad in [
            r#"{"max_rows":0}"#,
            r#"{"max_rows":20001}"#,
            r#"{"max_rows":-1}"#,
        ] {
            assert!(
                matches!(open(bad), Err(PluginError::InvalidConfig(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            open(r#"{"rows":3}"#),
            Err(PluginError::InvalidConfig(_))
        ));
        let mut s = open("").unwrap();
        assert!(matches!(
            s.write(Batch {
                row_count: 0,
                columns: vec![]
            }),
            Err(PluginError::InvalidData(_))
        ));
    }

    #[test]
    fn describes_itself_with_the_schema_of_its_config() {
        let info = testing::describe_exporter::<Pdf>();
        assert_eq!(
            (info.media_type.as_str(), info.file_extension.as_str()),
            ("application/pdf", "pdf")
        );
        let schema: serde_json::Value = serde_json::from_str(&info.config_schema).unwrap();
        assert_eq!(schema["additionalProperties"], false);
        let max_rows = &schema["properties"]["max_rows"];
        assert_eq!(
            (
                &max_rows["default"],
                &max_rows["minimum"],
                &max_rows["maximum"]
            ),
            (&10_000.into(), &1.into(), &20_000.into())
        );
        assert_eq!(schema["properties"]["landscape"]["default"], false);
    }
}
