//! PDF export benchmark. Run with: `cargo bench --workspace --bench export_pdf`
//!
//! Through the real `pdf` plugin in the host runtime (default sandbox
//! limits, as the server runs it), timed end to end (open, every batch,
//! finish), best and median of a few runs:
//!
//! - a table of 10,000 rows × 6 columns (target ≤ 2 s);
//! - a dashboard report of 5 charts (line with previous period over 30 days
//!   of hours, bar, pie, value, a second line) each followed by its data
//!   (target ≤ 2 s);
//! - baseline, measured in the same run: the same 10,000 rows through the
//!   `csv` plugin, i.e. the cost of moving the rows into the sandbox and
//!   encoding them without any layout.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmdash::frame::{Batch, Column, ColumnKind, ColumnSchema, ColumnValues, TimeRange};
use wasmdash::plugins::{
    ChartKind, ExportOptions, ExporterPlugin, PluginRegistry, PluginRuntime, PluginSettings,
};

const RUNS: usize = 5;
const ROWS: usize = 10_000;
const BATCH: usize = 1_000;
const TARGET: Duration = Duration::from_secs(2);
const START_MS: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;

fn options() -> ExportOptions {
    ExportOptions {
        config: "{}".into(),
        title: "Benchmark report".into(),
        time_range: Some(TimeRange {
            start_ms: START_MS,
            end_ms: START_MS + 30 * 24 * HOUR,
            label: "Last 30 days".into(),
        }),
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        generated_at_ms: START_MS,
    }
}

fn col(name: &str, kind: ColumnKind) -> ColumnSchema {
    ColumnSchema::new(name, name, kind)
}

fn table_schema() -> Vec<ColumnSchema> {
    vec![
        col("id", ColumnKind::Int64),
        col("created_at", ColumnKind::Timestamp),
        col("customer", ColumnKind::Text),
        col("region", ColumnKind::Text),
        col("amount", ColumnKind::Float64),
        col("status", ColumnKind::Text),
    ]
}

fn table_batch(start: usize, n: usize) -> Batch {
    let idx: Vec<usize> = (start..start + n).collect();
    let text = |f: &dyn Fn(usize) -> String| {
        Column::new(ColumnValues::Text(idx.iter().map(|i| f(*i)).collect()))
    };
    Batch {
        row_count: n as u32,
        columns: vec![
            Column::new(ColumnValues::Int64(idx.iter().map(|i| *i as i64).collect())),
            Column::new(ColumnValues::Timestamp(
                idx.iter().map(|i| START_MS + *i as i64 * 60_000).collect(),
            )),
            text(&|i| format!("Customer {} GmbH & Co. KG", i % 997)),
            text(&|i| ["north", "south", "east", "west"][i % 4].to_owned()),
            Column::new(ColumnValues::Float64(
                idx.iter().map(|i| (i % 1000) as f64 * 3.75).collect(),
            )),
            text(&|i| ["paid", "open", "refunded"][i % 3].to_owned()),
        ],
    }
}

async fn table(exporter: &ExporterPlugin) -> usize {
    let mut s = exporter
        .open(&options(), &table_schema())
        .await
        .expect("open");
    let mut bytes = 0;
    for start in (0..ROWS).step_by(BATCH) {
        bytes += s
            .write(&table_batch(start, BATCH))
            .await
            .expect("write")
            .len();
    }
    bytes + s.finish().await.expect("finish").len()
}

fn line_batch(points: usize, phase: usize) -> Batch {
    let t: Vec<i64> = (0..points as i64).map(|i| START_MS + i * HOUR).collect();
    let v: Vec<f64> = (0..points)
        .map(|i| 500.0 + ((i + phase) % 24) as f64 * 20.0)
        .collect();
    let p: Vec<f64> = v.iter().map(|x| x * 0.9).collect();
    Batch {
        row_count: points as u32,
        columns: vec![
            Column::new(ColumnValues::Timestamp(t)),
            Column::new(ColumnValues::Float64(v)),
            Column::new(ColumnValues::Float64(p)),
        ],
    }
}

fn categories(labels: &[&str]) -> Batch {
    Batch {
        row_count: labels.len() as u32,
        columns: vec![
            Column::new(ColumnValues::Text(
                labels.iter().map(|s| (*s).to_owned()).collect(),
            )),
            Column::new(ColumnValues::Float64(
                (0..labels.len()).map(|i| 1000.0 / (i + 1) as f64).collect(),
            )),
        ],
    }
}

async fn dashboard(exporter: &ExporterPlugin) -> usize {
    let line = [
        col("time", ColumnKind::Timestamp),
        col("value", ColumnKind::Float64),
        col("previous", ColumnKind::Float64),
    ];
    let cats = [
        col("label", ColumnKind::Text),
        col("value", ColumnKind::Float64),
    ];
    let value = [
        col("label", ColumnKind::Text),
        col("value", ColumnKind::Float64),
        col("previous", ColumnKind::Float64),
    ];
    let regions = ["north", "south", "east", "west", "central", "islands"];
    let mut s = exporter.open(&options(), &[]).await.expect("open");
    let mut bytes = 0;
    let sections: Vec<(&str, ChartKind, &[ColumnSchema], Batch)> = vec![
        (
            "Orders per hour",
            ChartKind::Line,
            &line[..],
            line_batch(720, 0),
        ),
        (
            "Revenue by region",
            ChartKind::Bar,
            &cats[..],
            categories(&regions),
        ),
        (
            "Order status",
            ChartKind::Pie,
            &cats[..],
            categories(&["paid", "open", "refunded"]),
        ),
        (
            "Revenue",
            ChartKind::Value,
            &value[..],
            Batch {
                row_count: 1,
                columns: vec![
                    Column::new(ColumnValues::Text(vec!["Revenue".into()])),
                    Column::new(ColumnValues::Float64(vec![125_000.0])),
                    Column::new(ColumnValues::Float64(vec![110_000.0])),
                ],
            },
        ),
        (
            "Sign-ups per hour",
            ChartKind::Line,
            &line[..],
            line_batch(720, 7),
        ),
    ];
    for (title, kind, schema, batch) in &sections {
        bytes += s
            .begin_section(title, *kind, schema)
            .await
            .expect("section")
            .len();
        bytes += s.write(batch).await.expect("write").len();
    }
    bytes + s.finish().await.expect("finish").len()
}

/// Best and median of `RUNS` timed runs, and the output size.
fn measure<F: Future<Output = usize>>(
    rt: &tokio::runtime::Runtime,
    mut run: impl FnMut() -> F,
) -> (Duration, Duration, usize) {
    let bytes = rt.block_on(run()); // warm-up: compiles and instantiates once
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            rt.block_on(run());
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[RUNS / 2], bytes)
}

fn report(name: &str, (best, median, bytes): (Duration, Duration, usize), base: Option<Duration>) {
    let vs_base = base.map_or(String::new(), |b| {
        format!(
            ", {:.1}x the CSV baseline",
            median.as_secs_f64() / b.as_secs_f64()
        )
    });
    println!(
        "{name}: best {:.1} ms, median {:.1} ms, {} KB; {:.0}% of the 2 s target{vs_base} -> {}",
        best.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        bytes / 1024,
        median.as_secs_f64() / TARGET.as_secs_f64() * 100.0,
        if median <= TARGET { "OK" } else { "MISSED" },
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    let settings = PluginSettings::default();
    let cache = tempfile::tempdir().expect("temp dir");
    let runtime: Arc<PluginRuntime> = PluginRuntime::new(&settings, cache.path()).expect("runtime");
    let registry = PluginRegistry::load_unwatched(runtime, &settings).expect("registry");
    let pdf = registry.exporter("pdf").expect("built-in pdf exporter");
    let csv = registry.exporter("csv").expect("built-in csv exporter");

    let base = measure(&rt, || table(&csv));
    println!(
        "baseline: {ROWS} rows x 6 columns as CSV: best {:.1} ms, median {:.1} ms, {} KB",
        base.0.as_secs_f64() * 1e3,
        base.1.as_secs_f64() * 1e3,
        base.2 / 1024
    );
    report(
        &format!("PDF table, {ROWS} rows x 6 columns"),
        measure(&rt, || table(&pdf)),
        Some(base.1),
    );
    report(
        "PDF dashboard, 5 charts with their data",
        measure(&rt, || dashboard(&pdf)),
        None,
    );
}
