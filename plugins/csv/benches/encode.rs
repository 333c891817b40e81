//! Run with: `cargo bench --manifest-path plugins/Cargo.toml -p wasmdash-plugin-csv --bench encode`
//!
//! The `csv` plugin's encoding path, natively (no sandbox; a `cdylib` with
//! WIT export names does not link natively, so its session and field
//! modules are compiled in here by path): 1,000,000 rows
//! × 6 columns (id, timestamp, text with quotes and a comma, category,
//! float, integer) in batches of 2,000 rows, as the host's export sends
//! them. Measured in the same run against `hand_written` below, the
//! encoder the plugin had before its quoting moved to `csv-core`, which is
//! kept here as the baseline; both must produce the same bytes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wasmdash_plugin_sdk::{
    Batch, Column, ColumnKind, ColumnSchema, ColumnValues, DictionaryText, ExportSession, testing,
};

#[path = "../src/fields.rs"]
#[expect(
    dead_code,
    reason = "cargo builds benches with cfg(test) but without the tests"
)]
mod fields;
#[path = "../src/session.rs"]
#[expect(
    unreachable_pub,
    reason = "`pub` for the plugin's exports, private here"
)]
mod session;

const ROWS: usize = 1_000_000;
const BATCH: usize = 2_000;
const RUNS: usize = 11;
const START_MS: i64 = 1_700_000_000_000;

fn schema() -> Vec<ColumnSchema> {
    testing::columns(&[
        ("id", ColumnKind::Int64),
        ("created_at", ColumnKind::Timestamp),
        ("name", ColumnKind::Text),
        ("category", ColumnKind::Text),
        ("amount", ColumnKind::Float64),
        ("qty", ColumnKind::Int64),
    ])
}

fn batch(start: usize) -> Batch {
    let rows = start..start + BATCH;
    let column = |values| Column {
        values,
        nulls: vec![],
    };
    Batch {
        row_count: BATCH as u32,
        columns: vec![
            column(ColumnValues::Int64(
                rows.clone().map(|i| i as i64 + 1).collect(),
            )),
            column(ColumnValues::Timestamp(
                rows.clone().map(|i| START_MS + i as i64 * 7_000).collect(),
            )),
            column(ColumnValues::Text(
                rows.clone()
                    .map(|i| format!("customer {} \"vip\", north", i % 50_000))
                    .collect(),
            )),
            column(ColumnValues::Dictionary(DictionaryText {
                dictionary: ["alpha", "beta", "gamma", "delta", "epsilon"]
                    .map(String::from)
                    .to_vec(),
                codes: rows.clone().map(|i| (i % 5) as u32).collect(),
            })),
            column(ColumnValues::Float64(
                rows.clone().map(|i| (i % 100_000) as f64 / 100.0).collect(),
            )),
            column(ColumnValues::Int64(
                rows.map(|i| (i % 997) as i64).collect(),
            )),
        ],
    }
}

/// Encode `batches` with a fresh session of the encoder; (time, output).
fn run<S: ExportSession>(mut session: S, batches: Vec<Batch>) -> (Duration, Vec<u8>) {
    let mut out = Vec::with_capacity(64 << 20);
    let t = Instant::now();
    for b in batches {
        out.extend(session.write(b).expect("write"));
    }
    out.extend(session.finish().expect("finish"));
    (t.elapsed(), black_box(out))
}

/// Best and median.
fn summary(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[0], v[v.len() / 2])
}

fn main() {
    let batches: Vec<Batch> = (0..ROWS).step_by(BATCH).map(batch).collect();
    // The plugin's defaults: `,`, formula protection, a header, UTC.
    let open_new = || {
        let layout = session::Layout {
            bom: false,
            header: true,
            labels: false,
            offset_minutes: 0,
        };
        session::CsvSession::new(fields::Fields::new(',', true), layout, &schema())
    };
    let open_old = || hand_written::Session::new(&schema());

    let (_, new_bytes) = run(open_new(), batches.clone());
    let (_, old_bytes) = run(open_old(), batches.clone());
    assert!(
        new_bytes == old_bytes,
        "csv-core output differs from the hand-written encoder's"
    );
    let (mut new, mut old) = (Vec::new(), Vec::new());
    // Alternate, so machine noise hits both alike; the copies are made
    // outside the timed part.
    for _ in 0..RUNS {
        new.push(run(open_new(), batches.clone()).0);
        old.push(run(open_old(), batches.clone()).0);
    }
    let mb = new_bytes.len() as f64 / 1e6;
    let report = |name: &str, (best, median): (Duration, Duration)| {
        let s = best.as_secs_f64();
        println!(
            "{name}: best {:.1} ms, median {:.1} ms of {RUNS}; best {:.2} M rows/s, {:.0} MB/s",
            s * 1e3,
            median.as_secs_f64() * 1e3,
            ROWS as f64 / s / 1e6,
            mb / s
        );
    };
    let (new, old) = (summary(new), summary(old));
    println!("{ROWS} rows x 6 columns in batches of {BATCH}, {mb:.1} MB of CSV");
    report("hand-written quoting (before)", old);
    report("csv-core quoting (now)       ", new);
    // The best run is the least disturbed by other work on the machine.
    println!(
        "throughput now / before: {:.2}x best, {:.2}x median",
        old.0.as_secs_f64() / new.0.as_secs_f64(),
        old.1.as_secs_f64() / new.1.as_secs_f64()
    );
}

/// The encoder of the `csv` plugin before its quoting moved to `csv-core`,
/// as it was (configured with the defaults), kept only as the baseline of
/// this benchmark.
mod hand_written {
    use wasmdash_plugin_sdk::{
        Batch, ColumnSchema, ExportSession, PluginError, Value, cell_text, time,
    };

    pub(crate) struct Session {
        delimiter: char,
        protect: bool,
        offset_minutes: i32,
        columns: usize,
        pending: String,
        last_len: usize,
    }

    fn is_dangerous(s: &str) -> bool {
        s.starts_with(['=', '+', '-', '@', '\t', '\r'])
    }

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

    impl Session {
        pub(crate) fn new(schema: &[ColumnSchema]) -> Self {
            let mut session = Self {
                delimiter: ',',
                protect: true,
                offset_minutes: 0,
                columns: schema.len(),
                pending: String::new(),
                last_len: 0,
            };
            let mut head = String::new();
            for (i, c) in schema.iter().enumerate() {
                if i > 0 {
                    head.push(session.delimiter);
                }
                session.push_text(&mut head, &c.name);
            }
            head.push_str("\r\n");
            session.pending = head;
            session
        }

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

        fn push_text(&self, out: &mut String, s: &str) {
            if self.protect && is_dangerous(s) {
                push_quoted(out, "'", s);
            } else {
                self.push_field(out, s);
            }
        }
    }

    impl ExportSession for Session {
        fn write(&mut self, batch: Batch) -> Result<Vec<u8>, PluginError> {
            let cols = batch.columns.len();
            if cols != self.columns {
                return Err(PluginError::InvalidData("column count".into()));
            }
            let mut out = std::mem::take(&mut self.pending);
            out.reserve(self.last_len);
            for row in 0..batch.rows() {
                for col in 0..cols {
                    if col > 0 {
                        out.push(self.delimiter);
                    }
                    match batch.value(row, col) {
                        Value::Null => {}
                        Value::Float(v) => {
                            cell_text::push_float(&mut out, v);
                        }
                        Value::Int(v) => cell_text::push_int(&mut out, v),
                        Value::Timestamp(ms) => {
                            time::push_iso8601(&mut out, ms, self.offset_minutes)
                        }
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
}
