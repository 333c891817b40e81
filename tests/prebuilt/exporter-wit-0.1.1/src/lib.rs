//! An exporter built against `wasmdash:plugin@0.1.1` (the WIT in `wit/` is a
//! copy of that version, never updated): writes one line per row count and
//! logs through the `log` import 0.1.1 added. Kept as a prebuilt component
//! so the host's compatibility with exporters built before the `display`
//! import (0.1.2) is tested against real bytes.

wit_bindgen::generate!({ path: "wit", world: "exporter" });

use exports::wasmdash::plugin::exporter_plugin::{
    ExportOptions, ExporterInfo, Guest, GuestSession, Section, Session,
};
use std::cell::Cell;
use wasmdash::plugin::log::{Level, log};
use wasmdash::plugin::types::{Batch, ColumnSchema, PluginError};

struct OldExporter;

struct OldSession {
    rows: Cell<u32>,
}

impl Guest for OldExporter {
    type Session = OldSession;

    fn describe() -> ExporterInfo {
        ExporterInfo {
            id: "wit-0-1-1-rows".into(),
            name: "Row count (WIT 0.1.1)".into(),
            version: "0.1.1".into(),
            description: "Counts rows, built against wasmdash:plugin@0.1.1.".into(),
            media_type: "text/plain; charset=utf-8".into(),
            file_extension: "txt".into(),
            config_schema: r#"{"type":"object"}"#.into(),
        }
    }

    fn open(options: ExportOptions, schema: Vec<ColumnSchema>) -> Result<Session, PluginError> {
        log(
            Level::Info,
            &format!("opened {:?} with {} columns", options.title, schema.len()),
        );
        Ok(Session::new(OldSession { rows: Cell::new(0) }))
    }
}

impl GuestSession for OldSession {
    fn begin_section(&self, section: Section) -> Result<Vec<u8>, PluginError> {
        Ok(format!("# {}\n", section.title).into_bytes())
    }

    fn write(&self, batch: Batch) -> Result<Vec<u8>, PluginError> {
        self.rows.set(self.rows.get() + batch.row_count);
        Ok(Vec::new())
    }

    fn finish(&self) -> Result<Vec<u8>, PluginError> {
        Ok(format!("rows: {}\n", self.rows.get()).into_bytes())
    }
}

export!(OldExporter);
