//! Big guests: what a widget written in Python (componentize-py) or
//! JavaScript (componentize-js) costs next to the Rust `metric-card`, under
//! the default plugin settings. Run with:
//! `cargo bench --workspace --bench polyglot`
//!
//! For each widget, in one run: the component's size, the first compile
//! (compile + link + `describe`, nothing cached) and the size of its
//! compiled artifact in the cache, a load from that cache, and
//! instantiate + render in a fresh store (what every widget request pays),
//! with ratios to `metric-card`. The Python and JavaScript components come
//! from `examples/{python,js}-widget/build.sh`; a missing one is skipped
//! with a note.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmdash::frame::{ScalarData, Series, SeriesData, TimeRange, ValueFormat, WidgetData};
use wasmdash::plugins::{
    FilePlugin, PluginRegistry, PluginRuntime, PluginSettings, RenderContext, WidgetPlugin,
    builtin_components,
};

/// Renders timed per widget (after one warm-up render).
const RENDERS: usize = 200;

fn ctx() -> RenderContext {
    RenderContext {
        width: 600,
        height: 270,
        time_range: TimeRange {
            start_ms: 1_738_000_000_000,
            end_ms: 1_738_000_000_000 + 42 * 86_400_000,
            label: "Last 6 weeks".into(),
        },
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        locale: "en-US".into(),
    }
}

fn scalar() -> WidgetData {
    WidgetData::Scalar(ScalarData {
        label: "Total orders".into(),
        value: Some(712.0),
        previous: Some(655.0),
        format: ValueFormat::default(),
        sparkline: None,
        ..ScalarData::default()
    })
}

/// Six weeks of hourly points: what the heatmap reads.
fn hourly() -> WidgetData {
    let start = ctx().time_range.start_ms;
    let n = 42 * 24;
    WidgetData::Series(SeriesData {
        label: "Total orders".into(),
        bucket: "hour".into(),
        points: Series {
            timestamps: (0..n as i64).map(|i| start + i * 3_600_000).collect(),
            values: (0..n).map(|i| (i % 17) as f64).collect(),
            nulls: Vec::new(),
        },
        previous: None,
        format: ValueFormat::default(),
        ..SeriesData::default()
    })
}

/// One widget to measure.
struct Guest {
    label: &'static str,
    /// Found in its rendered HTML (the card draws no SVG without a series).
    expect: &'static str,
    wasm: Vec<u8>,
    config: &'static str,
    data: WidgetData,
}

/// What was measured for one widget.
struct Figures {
    label: &'static str,
    wasm_bytes: usize,
    first_compile: Duration,
    artifact_bytes: u64,
    cached_load: Duration,
    render_mean: Duration,
    render_p50: Duration,
    render_p99: Duration,
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn guests() -> Vec<Guest> {
    let mut out = Vec::new();
    if let Some((_, wasm)) = builtin_components()
        .iter()
        .find(|(name, _)| name.ends_with("metric-card"))
    {
        out.push(Guest {
            label: "metric-card (Rust)",
            expect: "wd-value",
            wasm: wasm.to_vec(),
            config: r#"{"metric":"total_orders"}"#,
            data: scalar(),
        });
    }
    let polyglot = [
        (
            "bullet-chart (Python)",
            "python-widget/bullet-chart.wasm",
            r#"{"metric":"total_orders","target":700,"band_low":600,"band_high":800,"max":1000}"#,
            scalar(),
        ),
        (
            "weekday-heatmap (JS)",
            "js-widget/weekday-heatmap.wasm",
            r#"{"metric":"total_orders","bucket":"hour"}"#,
            hourly(),
        ),
    ];
    for (label, file, config, data) in polyglot {
        let path = examples_dir().join(file);
        match std::fs::read(&path) {
            Ok(wasm) => out.push(Guest {
                label,
                expect: "<svg",
                wasm,
                config,
                data,
            }),
            Err(_) => eprintln!(
                "skipping {label}: {} is not built (run its build.sh)",
                path.display()
            ),
        }
    }
    out
}

fn widget(runtime: &Arc<PluginRuntime>, file: &Path) -> WidgetPlugin {
    match PluginRegistry::open_file(runtime, file).expect("the widget loads") {
        FilePlugin::Widget(w) => w,
        _ => panic!("{} is not a widget", file.display()),
    }
}

fn measure(guest: &Guest, settings: &PluginSettings, rt: &tokio::runtime::Runtime) -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("guest.wasm");
    std::fs::write(&file, &guest.wasm).expect("write the component");
    // A fresh, empty compiled cache: the first load compiles.
    let runtime = PluginRuntime::new(settings, &dir.path().join("cache")).expect("runtime");
    let started = Instant::now();
    widget(&runtime, &file);
    let first_compile = started.elapsed();
    let artifact_bytes = std::fs::metadata(runtime.cached_artifact_path(&guest.wasm))
        .map(|m| m.len())
        .unwrap_or(0);
    let started = Instant::now();
    let plugin = widget(&runtime, &file);
    let cached_load = started.elapsed();

    let ctx = ctx();
    let html = rt
        .block_on(plugin.render(guest.config, &guest.data, &ctx))
        .unwrap_or_else(|e| panic!("{} does not render under the defaults: {e}", guest.label));
    assert!(html.contains(guest.expect), "{}: {html}", guest.label);
    let mut times: Vec<Duration> = (0..RENDERS)
        .map(|_| {
            let started = Instant::now();
            rt.block_on(plugin.render(guest.config, &guest.data, &ctx))
                .expect("renders");
            started.elapsed()
        })
        .collect();
    times.sort();
    let total: Duration = times.iter().sum();
    Figures {
        label: guest.label,
        wasm_bytes: guest.wasm.len(),
        first_compile,
        artifact_bytes,
        cached_load,
        render_mean: total / RENDERS as u32,
        render_p50: times[RENDERS / 2],
        render_p99: times[RENDERS * 99 / 100],
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.3} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not and
    // only wants to know that this builds and runs.
    let quick = !std::env::args().any(|a| a == "--bench");
    let settings = PluginSettings::default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    let guests = guests();
    if quick {
        println!(
            "polyglot bench: {} widgets found; run with `cargo bench` to measure",
            guests.len()
        );
        return;
    }
    println!(
        "defaults: memory limit {} MiB, timeout {} ms, {} pooled instances; {RENDERS} renders each",
        settings.memory_limit_mib, settings.timeout_ms, settings.max_concurrency
    );
    let figures: Vec<Figures> = guests.iter().map(|g| measure(g, &settings, &rt)).collect();
    println!(
        "{:<22} {:>10} {:>14} {:>14} {:>12} {:>26} {:>10}",
        "widget",
        "wasm",
        "first compile",
        "cached .cwasm",
        "cached load",
        "render mean / p50 / p99",
        "vs Rust"
    );
    let base = figures.first().map(|f| f.render_mean.as_secs_f64());
    for f in &figures {
        let ratio = base.map_or_else(String::new, |b| {
            format!("{:.0}x", f.render_mean.as_secs_f64() / b)
        });
        println!(
            "{:<22} {:>10} {:>14} {:>14} {:>12} {:>26} {:>10}",
            f.label,
            mib(f.wasm_bytes as u64),
            ms(f.first_compile),
            mib(f.artifact_bytes),
            ms(f.cached_load),
            format!(
                "{} / {} / {}",
                ms(f.render_mean),
                ms(f.render_p50),
                ms(f.render_p99)
            ),
            ratio
        );
    }
}
