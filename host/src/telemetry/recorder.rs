//! The process-wide Prometheus recorder.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::alerts::AlertService;

/// Histogram buckets of every `*_duration_seconds` metric: 1 ms to 30 s.
const SECONDS_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// How often recorded histogram samples are folded into their buckets
/// between scrapes, so they do not pile up in memory.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Install the Prometheus recorder once per process (later calls return
/// the same handle). `None` if another recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("duration_seconds".into()),
                    &SECONDS_BUCKETS,
                )
                .and_then(PrometheusBuilder::install_recorder);
            match built {
                Ok(handle) => {
                    let upkeep = handle.clone();
                    let started = std::thread::Builder::new()
                        .name("wasmdash-metrics".into())
                        .spawn(move || {
                            loop {
                                std::thread::sleep(UPKEEP_EVERY);
                                upkeep.run_upkeep();
                            }
                        });
                    if let Err(e) = started {
                        tracing::warn!(error = %e, "metrics upkeep thread did not start");
                    }
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics are off: no Prometheus recorder");
                    None
                }
            }
        })
        .as_ref()
}

/// The current metrics in the Prometheus text format, with the gauges
/// read from `alerts`' store brought up to date first.
pub fn render(alerts: &AlertService) -> String {
    let Some(handle) = install() else {
        return String::new();
    };
    if let Err(e) = alerts.observe() {
        tracing::warn!(error = %e, "reading the outbox and alert states for metrics failed");
    }
    handle.render()
}
