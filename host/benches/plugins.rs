//! Plugin runtime benchmarks. Run with: `cargo bench --workspace --bench plugins`
//!
//! - `metric-card render`: instantiate + render of the built-in widget in a
//!   fresh store (target ≤ 25 µs p50).
//! - `series transfer`: render of a widget that only sums the values it gets,
//!   with 0 and with 10,000 points; the difference is the host→guest transfer
//!   of the series (target ≤ 50 µs).
//! - `load from compiled cache`: reading, deserializing, linking and
//!   describing a plugin whose compiled artifact is cached (target ≤ 2 ms).
//!
//! The series benchmark uses the `good-widget` fixture built by the tests
//! crate (`cargo test` builds it); it is skipped with a note when missing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use wasmdash::frame::{ScalarData, Series, SeriesData, TimeRange, ValueFormat, WidgetData};
use wasmdash::plugins::{
    PluginRegistry, PluginRuntime, PluginSettings, RenderContext, builtin_components,
};

fn target_dir() -> PathBuf {
    // target/<profile>/deps/plugins-<hash>
    let exe = std::env::current_exe().expect("bench executable path");
    exe.ancestors()
        .nth(3)
        .expect("bench runs from target/<profile>/deps")
        .to_path_buf()
}

fn ctx() -> RenderContext {
    RenderContext {
        width: 320,
        height: 160,
        time_range: TimeRange {
            start_ms: 1_700_000_000_000,
            end_ms: 1_700_086_400_000,
            label: "Last 24 hours".into(),
        },
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        locale: "en-US".into(),
    }
}

fn series(n: usize) -> WidgetData {
    WidgetData::Series(SeriesData {
        label: "Requests".into(),
        bucket: "minute".into(),
        points: Series {
            timestamps: (0..n as i64)
                .map(|i| 1_700_000_000_000 + i * 60_000)
                .collect(),
            values: (0..n).map(|i| (i % 97) as f64 * 1.5).collect(),
            nulls: Vec::new(),
        },
        previous: None,
        format: ValueFormat::default(),
        ..SeriesData::default()
    })
}

fn setup(dir: Option<&Path>) -> (Arc<PluginRuntime>, Arc<PluginRegistry>) {
    let settings = PluginSettings {
        dir: dir.map(Path::to_path_buf),
        ..PluginSettings::default()
    };
    let cache = target_dir().join("plugin-cache-bench");
    let runtime = PluginRuntime::new(&settings, &cache).expect("runtime");
    let registry = PluginRegistry::load_unwatched(runtime.clone(), &settings).expect("registry");
    (runtime, registry)
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");

    let fixture =
        target_dir().join("wasm-guests/fixtures/wasm32-wasip2/release/fixture_good_widget.wasm");
    let dir = tempfile::tempdir().expect("temp dir");
    let have_fixture = fixture.is_file();
    if have_fixture {
        std::fs::copy(&fixture, dir.path().join("good-widget.wasm")).expect("copy fixture");
    } else {
        eprintln!(
            "skipping series transfer: {} is missing (run `cargo test` first)",
            fixture.display()
        );
    }
    let (runtime, registry) = setup(Some(dir.path()));

    match registry.widget("metric-card") {
        Ok(card) => {
            let data = WidgetData::Scalar(ScalarData {
                label: "Revenue".into(),
                value: Some(12_345.5),
                previous: Some(11_000.0),
                format: ValueFormat::default(),
                sparkline: None,
                ..ScalarData::default()
            });
            let config = "{}";
            rt.block_on(card.render(config, &data, &ctx()))
                .expect("metric-card renders");
            c.bench_function("metric-card render (instantiate + call)", |b| {
                b.iter(|| rt.block_on(card.render(config, &data, &ctx())).unwrap())
            });
        }
        Err(e) => eprintln!("skipping metric-card render: {e}"),
    }

    if have_fixture {
        let sink = registry.widget("good-widget").expect("good-widget fixture");
        let mut group = c.benchmark_group("series transfer (render that sums the values)");
        for n in [0usize, 10_000] {
            let data = series(n);
            rt.block_on(sink.render("{}", &data, &ctx()))
                .expect("renders");
            group.bench_function(format!("{n} points"), |b| {
                b.iter(|| rt.block_on(sink.render("{}", &data, &ctx())).unwrap())
            });
        }
        group.finish();
    }

    // Prefer a built-in for the cache benchmark; fall back to the fixture.
    let wasm_file = dir.path().join("load-bench.bin");
    let source = builtin_components()
        .iter()
        .find(|(name, _)| name.ends_with("metric-card"))
        .map(|(_, wasm)| wasm.to_vec())
        .or_else(|| std::fs::read(&fixture).ok());
    match source {
        Some(wasm) => {
            std::fs::write(&wasm_file, wasm).expect("write plugin");
            PluginRegistry::check_file(&runtime, &wasm_file).expect("loads and caches");
            c.bench_function(
                "load from compiled cache (read + deserialize + describe)",
                |b| b.iter(|| PluginRegistry::check_file(&runtime, &wasm_file).unwrap()),
            );
        }
        None => eprintln!("skipping load from cache: no plugin available"),
    }
}

criterion_group!(plugin_benches, benches);
criterion_main!(plugin_benches);
