//! The plugin sandbox against hostile fixtures: every misbehaviour becomes a
//! typed error within the deadline (plus a small margin), the sandbox grants
//! no files, env or network, and a well-behaved plugin keeps answering while
//! hostile ones run beside it.

use std::time::{Duration, Instant};

use wasmdash::frame::{ScalarData, Series, SeriesData, TimeRange, WidgetData};
use wasmdash::plugins::{PluginError, PluginSettings, RenderContext, WidgetPlugin};
use wasmdash_tests::fixtures;
use wasmdash_tests::registry_with;

/// Slack on top of the call deadline: one epoch tick plus scheduling noise
/// on a loaded 2-core machine.
const MARGIN: Duration = Duration::from_millis(200);

fn widget(fixture: &str, id: &str, settings: PluginSettings) -> (tempfile::TempDir, WidgetPlugin) {
    let (dir, registry) = registry_with(&[fixture], settings);
    let problems = registry.problems();
    assert!(problems.is_empty(), "{problems:?}");
    (dir, registry.widget(id).expect("fixture widget loaded"))
}

fn ctx() -> RenderContext {
    RenderContext {
        width: 320,
        height: 200,
        time_range: TimeRange {
            start_ms: 0,
            end_ms: 86_400_000,
            label: "One day".into(),
        },
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        locale: "en-US".into(),
    }
}

fn scalar() -> WidgetData {
    WidgetData::Scalar(ScalarData {
        label: "Orders".into(),
        value: Some(42.0),
        ..ScalarData::default()
    })
}

fn series(values: Vec<f64>) -> WidgetData {
    WidgetData::Series(SeriesData {
        label: "Orders".into(),
        bucket: "day".into(),
        points: Series {
            timestamps: (0..values.len() as i64).collect(),
            values,
            nulls: Vec::new(),
        },
        ..SeriesData::default()
    })
}

/// Render `fixture` once and return the result with the time it took.
async fn render(
    fixture: &str,
    id: &str,
    config: &str,
    settings: PluginSettings,
) -> (Result<String, PluginError>, Duration) {
    let (_dir, w) = widget(fixture, id, settings);
    let start = Instant::now();
    let result = w.render(config, &scalar(), &ctx()).await;
    (result, start.elapsed())
}

#[tokio::test]
async fn good_widget_renders_and_reports_its_own_errors() {
    let (_dir, w) = widget(
        fixtures::GOOD_WIDGET,
        "good-widget",
        PluginSettings::default(),
    );
    let html = w
        .render("{}", &series(vec![1.0, 2.0, 3.5]), &ctx())
        .await
        .unwrap();
    assert_eq!(html, "<p>n=3 sum=6.5</p>");
    let err = w.render("refuse", &scalar(), &ctx()).await.unwrap_err();
    assert!(
        matches!(&err, PluginError::InvalidConfig { plugin, message } if plugin == "good-widget" && message.contains("refused")),
        "{err}"
    );
}

#[tokio::test]
async fn infinite_loop_times_out_at_the_deadline() {
    let settings = PluginSettings::default();
    let deadline = Duration::from_millis(settings.timeout_ms);
    let (result, took) = render(fixtures::INFINITE_LOOP, "infinite-loop", "{}", settings).await;
    let err = result.unwrap_err();
    assert!(matches!(err, PluginError::Timeout { .. }), "{err}");
    assert!(
        err.to_string().starts_with("infinite-loop: timed out"),
        "{err}"
    );
    assert!(
        took >= deadline && took < deadline + MARGIN,
        "took {took:?}"
    );
}

#[tokio::test]
async fn sleeping_in_a_host_call_is_cut_at_the_deadline() {
    let settings = PluginSettings::default();
    let deadline = Duration::from_millis(settings.timeout_ms);
    let (result, took) = render(fixtures::SLEEPER, "sleeper", "{}", settings).await;
    let err = result.unwrap_err();
    assert!(matches!(err, PluginError::Timeout { .. }), "{err}");
    assert!(took < deadline + MARGIN, "took {took:?}");
}

#[tokio::test]
async fn allocation_bomb_runs_out_of_memory() {
    // Touching 64 MiB can take longer than the default 250 ms on a loaded
    // 2-core machine; this test is about the error, so allow more time.
    let settings = PluginSettings {
        timeout_ms: 2_000,
        ..PluginSettings::default()
    };
    let deadline = Duration::from_millis(settings.timeout_ms);
    let (result, took) = render(fixtures::ALLOC_BOMB, "alloc-bomb", "{}", settings).await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, PluginError::OutOfMemory { limit_mib: 64, .. }),
        "{err}"
    );
    assert!(took < deadline + MARGIN, "took {took:?}");
}

#[tokio::test]
async fn panic_is_a_trap_whose_stderr_stays_in_the_log() {
    let (result, _) = render(fixtures::PANIC, "panic", "{}", PluginSettings::default()).await;
    let err = result.unwrap_err();
    assert!(matches!(err, PluginError::Trap { .. }), "{err}");
    // The guest's panic message is stderr: the operator's log gets it,
    // the page showing this error must not.
    assert!(!err.to_string().contains("fixture panic"), "{err}");
    assert!(err.to_string().contains("panic: crashed"), "{err}");
}

#[tokio::test]
async fn stack_overflow_is_reported_as_such() {
    let (result, _) = render(
        fixtures::STACK_OVERFLOW,
        "stack-overflow",
        "{}",
        PluginSettings::default(),
    )
    .await;
    let err = result.unwrap_err();
    assert!(matches!(err, PluginError::StackOverflow { .. }), "{err}");
}

#[tokio::test]
async fn hundred_megabyte_output_is_refused() {
    // Under the default 64 MiB memory limit the guest cannot even build it.
    let (result, _) = render(
        fixtures::BIG_OUTPUT,
        "big-output",
        "",
        PluginSettings::default(),
    )
    .await;
    let err = result.unwrap_err();
    assert!(matches!(err, PluginError::OutOfMemory { .. }), "{err}");

    // With room to build it, the host refuses it by size.
    let roomy = PluginSettings {
        memory_limit_mib: 256,
        timeout_ms: 2_000,
        ..PluginSettings::default()
    };
    let (result, _) = render(fixtures::BIG_OUTPUT, "big-output", "100000000", roomy).await;
    let err = result.unwrap_err();
    assert!(
        matches!(
            err,
            PluginError::OutputTooLarge {
                size: 100_000_000,
                limit: 4_194_304,
                ..
            }
        ),
        "{err}"
    );

    // Just over the cap, within memory: refused by size as well.
    let (result, _) = render(
        fixtures::BIG_OUTPUT,
        "big-output",
        "4194305",
        PluginSettings::default(),
    )
    .await;
    assert!(
        matches!(result, Err(PluginError::OutputTooLarge { .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn script_output_is_returned_as_is_for_the_web_layer_to_sanitize() {
    let (result, _) = render(
        fixtures::SCRIPT_OUTPUT,
        "script-output",
        "{}",
        PluginSettings::default(),
    )
    .await;
    assert!(result.unwrap().contains("<script>"));
}

#[tokio::test]
async fn reading_host_files_finds_nothing() {
    let (result, _) = render(
        fixtures::READ_FILE,
        "read-file",
        "{}",
        PluginSettings::default(),
    )
    .await;
    let seen = result.unwrap();
    assert!(!seen.contains("LEAKED"), "{seen}");
    assert_eq!(seen.matches("blocked").count(), 4, "{seen}");
}

#[tokio::test]
async fn environment_and_arguments_are_empty() {
    let (result, _) = render(
        fixtures::READ_ENV,
        "read-env",
        "{}",
        PluginSettings::default(),
    )
    .await;
    let seen = result.unwrap();
    assert!(seen.starts_with("vars=0 args=0 "), "{seen}");
    assert!(!seen.contains("HOME") && !seen.contains("PATH"), "{seen}");
}

#[tokio::test]
async fn sockets_cannot_be_opened() {
    let (result, _) = render(
        fixtures::OPEN_SOCKET,
        "open-socket",
        "{}",
        PluginSettings::default(),
    )
    .await;
    let seen = result.unwrap();
    assert!(!seen.contains("LEAKED"), "{seen}");
    assert_eq!(seen.matches("blocked").count(), 5, "{seen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_plugin_keeps_answering_beside_hostile_ones() {
    let (_dir, registry) = registry_with(
        &[
            fixtures::GOOD_WIDGET,
            fixtures::INFINITE_LOOP,
            fixtures::SLEEPER,
            fixtures::ALLOC_BOMB,
            fixtures::PANIC,
        ],
        PluginSettings::default(),
    );
    let hostile: Vec<_> = ["infinite-loop", "sleeper", "alloc-bomb", "panic"]
        .into_iter()
        .flat_map(|id| {
            let w = registry.widget(id).unwrap();
            (0..2).map(move |_| {
                let w = w.clone();
                tokio::spawn(async move { w.render("{}", &scalar(), &ctx()).await })
            })
        })
        .collect();
    let good = registry.widget("good-widget").unwrap();
    let start = Instant::now();
    let mut answered = 0;
    while start.elapsed() < Duration::from_millis(400) {
        let t = Instant::now();
        let html = good
            .render("{}", &series(vec![1.0, 2.0]), &ctx())
            .await
            .unwrap();
        assert_eq!(html, "<p>n=2 sum=3</p>");
        assert!(
            t.elapsed() < Duration::from_millis(200),
            "good call took {:?}",
            t.elapsed()
        );
        answered += 1;
    }
    assert!(answered > 10, "only {answered} good calls in 400 ms");
    for h in hostile {
        assert!(h.await.unwrap().is_err());
    }
}

/// Export sessions hold their slot for a whole download, so together they
/// may hold at most half the slots: with every export slot taken, a widget
/// still renders at once and the next export is refused as busy (issue 15:
/// slow exporters must not starve the widgets).
#[tokio::test]
async fn export_sessions_leave_widgets_half_the_slots() {
    use wasmdash::frame::ColumnKind;
    let settings = PluginSettings {
        max_concurrency: 4,
        timeout_ms: 100,
        ..PluginSettings::default()
    };
    let (_dir, registry) = registry_with(&[fixtures::GOOD_WIDGET], settings);
    let csv = registry.exporter("csv").unwrap();
    let columns = crate::builtin_exporters::schema(&[("n", ColumnKind::Int64)]);
    let options = crate::builtin_exporters::options("{}");
    let held = [
        csv.open(&options, &columns).await.unwrap(),
        csv.open(&options, &columns).await.unwrap(),
    ];
    let started = Instant::now();
    let third = csv.open(&options, &columns).await;
    assert!(
        matches!(&third, Err(PluginError::Busy { slots: 2, .. })),
        "{third:?}"
    );
    // Refused after the slot wait, not held forever.
    assert!(started.elapsed() < Duration::from_secs(10));
    let widget = registry.widget("good-widget").unwrap();
    widget.render("{}", &scalar(), &ctx()).await.unwrap();
    widget.render("{}", &scalar(), &ctx()).await.unwrap();
    // Once a download ends, the next one gets its slot.
    drop(held);
    csv.open(&options, &columns).await.unwrap();
}
