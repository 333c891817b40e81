//! One CSV export in progress: the header, the rows of each batch, and
//! the blocks of a multi-part report. Kept apart from the plugin glue in
//! `lib.rs` so the encoding benchmark can build it natively.

use wasmdash_plugin_sdk::{
    Batch, ColumnSchema, ExportSession, PluginError, Section, Value, cell_text, time,
};

use crate::fields::Fields;

const CRLF: &[u8] = b"\r\n";

/// How the output is laid out, from the config and the export options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// Start with a UTF-8 byte order mark.
    pub(crate) bom: bool,
    /// Write a header row of column names.
    pub(crate) header: bool,
    /// Write the columns' labels in the header row instead of their names.
    pub(crate) labels: bool,
    /// UTC offset of the timestamps, in minutes.
    pub(crate) offset_minutes: i32,
}

/// One CSV export in progress.
pub struct CsvSession {
    fields: Fields,
    header: bool,
    labels: bool,
    offset_minutes: i32,
    /// Columns of the rows being written (the current section's in a report).
    columns: usize,
    /// Output not yet handed out (BOM, header), emitted with the next call.
    pending: Vec<u8>,
    /// Whether a section has begun, so the next one is set off by a blank line.
    in_section: bool,
    /// Bytes of the last batch's output, to size the next one.
    last_len: usize,
}

impl CsvSession {
    /// A session writing `fields` laid out as `layout`; the header of
    /// `schema` (empty for a report, whose sections bring their own) and
    /// the BOM go out with the first output.
    pub(crate) fn new(fields: Fields, layout: Layout, schema: &[ColumnSchema]) -> Self {
        let mut pending = Vec::new();
        if layout.bom {
            pending.extend_from_slice("\u{FEFF}".as_bytes());
        }
        let session = Self {
            fields,
            header: layout.header,
            labels: layout.labels,
            offset_minutes: layout.offset_minutes,
            columns: schema.len(),
            pending: Vec::new(),
            in_section: false,
            last_len: 0,
        };
        session.push_header(&mut pending, schema);
        Self { pending, ..session }
    }

    fn push_header(&self, out: &mut Vec<u8>, schema: &[ColumnSchema]) {
        if !self.header || schema.is_empty() {
            return;
        }
        for (i, c) in schema.iter().enumerate() {
            if i > 0 {
                self.fields.push_delimiter(out);
            }
            let text = if self.labels && !c.label.is_empty() {
                &c.label
            } else {
                &c.name
            };
            self.fields.push_text(out, text);
        }
        out.extend_from_slice(CRLF);
    }
}

impl ExportSession for CsvSession {
    fn begin_section(&mut self, section: Section) -> Result<Vec<u8>, PluginError> {
        let mut out = std::mem::take(&mut self.pending);
        if self.in_section {
            out.extend_from_slice(CRLF);
        }
        self.fields.push_text(&mut out, &section.title);
        out.extend_from_slice(CRLF);
        self.push_header(&mut out, &section.schema);
        self.columns = section.schema.len();
        self.in_section = true;
        Ok(out)
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
        let fields = &self.fields;
        for row in 0..batch.rows() {
            for col in 0..cols {
                if col > 0 {
                    fields.push_delimiter(&mut out);
                }
                match batch.value(row, col) {
                    Value::Null => {}
                    // Non-finite floats stay empty, like nulls.
                    Value::Float(v) => fields.push_number(&mut out, |o| {
                        cell_text::push_float(o, v);
                    }),
                    Value::Int(v) => fields.push_number(&mut out, |o| cell_text::push_int(o, v)),
                    Value::Timestamp(ms) => fields.push_number(&mut out, |o| {
                        time::push_iso8601(o, ms, self.offset_minutes);
                    }),
                    Value::Bool(b) => fields.push_number(&mut out, |o| {
                        o.extend_from_slice(if b { b"true" } else { b"false" });
                    }),
                    Value::Text(s) => fields.push_text(&mut out, s),
                }
            }
            out.extend_from_slice(CRLF);
        }
        self.last_len = out.len();
        Ok(out)
    }

    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        Ok(std::mem::take(&mut self.pending))
    }
}
