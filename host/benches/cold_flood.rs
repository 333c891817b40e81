//! Run with: `cargo bench --workspace --bench cold_flood`
//!
//! 200 clients asking uncached questions at once (issue 15): every request
//! picks a metric of the 1,000,000-row demo, a range of 1 to 365 days and
//! an end shifted by a random number of minutes, so no cached answer
//! applies, and asks for its value or its daily/weekly series. They keep
//! asking for 20 s. In the same run, one client alone asks the same kind of
//! questions first: the baseline.
//!
//! Prints how long requests waited (p50, p99, max) by answer, how many were
//! refused with 503 and whether each refusal carried `Retry-After`.
//! Target: no request waits more than 10 s; what cannot be answered in
//! time is refused with 503 + `Retry-After`.

mod figures;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use figures::{ms, rfc};
use rand::{Rng, SeedableRng};

const CLIENTS: usize = 200;
const FLOOD: Duration = Duration::from_secs(20);
const BASELINE_RUNS: usize = 25;
const METRICS: &[&str] = &[
    "total_orders",
    "revenue",
    "avg_order_value",
    "error_rate",
    "avg_completion_time",
    "new_customers",
];

/// One answered request.
struct Sample {
    status: u16,
    took: Duration,
    retry_after: bool,
}

/// An uncached question: a metric, a range ending a random number of
/// minutes ago, its value or a series.
fn question(rng: &mut impl Rng, now: DateTime<Utc>) -> String {
    let metric = METRICS[rng.random_range(0..METRICS.len())];
    let end = now - chrono::Duration::minutes(rng.random_range(1..500_000));
    let days = rng.random_range(1..=365);
    let range = format!(
        "from={}&to={}",
        rfc(end - chrono::Duration::days(days)),
        rfc(end)
    );
    match rng.random_range(0..3) {
        0 => format!("/api/v1/metrics/{metric}/value?{range}"),
        1 => format!("/api/v1/metrics/{metric}/series?{range}&bucket=day"),
        _ => format!("/api/v1/metrics/{metric}/series?{range}&bucket=week"),
    }
}

fn ask(agent: &ureq::Agent, url: &str, token: &str) -> Sample {
    let t = Instant::now();
    match agent
        .get(url)
        .header("Authorization", format!("Bearer {token}"))
        .call()
    {
        Ok(mut resp) => {
            let _ = resp.body_mut().read_to_string();
            Sample {
                status: resp.status().as_u16(),
                took: t.elapsed(),
                retry_after: resp.headers().contains_key("retry-after"),
            }
        }
        // A transport failure (reset, timeout) counts as status 0.
        Err(_) => Sample {
            status: 0,
            took: t.elapsed(),
            retry_after: false,
        },
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn main() {
    let now = Utc::now();
    let server = support::start(now);
    let (base, token) = (server.base.clone(), server.token.clone());

    // Baseline: one client alone.
    let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
    let single = agent();
    let mut alone: Vec<Duration> = (0..BASELINE_RUNS)
        .map(|_| {
            ask(
                &single,
                &format!("{base}{}", question(&mut rng, now)),
                &token,
            )
            .took
        })
        .collect();
    alone.sort();

    // The flood.
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (base, token, stop) = (base.clone(), token.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut rng = rand::rngs::SmallRng::seed_from_u64(100 + i as u64);
                let agent = agent();
                let mut samples = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    samples.push(ask(
                        &agent,
                        &format!("{base}{}", question(&mut rng, now)),
                        &token,
                    ));
                }
                samples
            })
        })
        .collect();
    std::thread::sleep(FLOOD);
    stop.store(true, Ordering::Relaxed);
    let samples: Vec<Sample> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client thread"))
        .collect();

    println!(
        "one client alone, {BASELINE_RUNS} cold questions: p50 {:.0} ms, max {:.0} ms",
        ms(percentile(&alone, 0.5)),
        ms(percentile(&alone, 1.0))
    );
    println!(
        "{CLIENTS} clients for {} s: {} requests",
        FLOOD.as_secs(),
        samples.len()
    );
    println!(
        "{:<10} {:>8} {:>10} {:>10} {:>10}",
        "answer", "count", "p50 ms", "p99 ms", "max ms"
    );
    let mut statuses: Vec<u16> = samples.iter().map(|s| s.status).collect();
    statuses.sort_unstable();
    statuses.dedup();
    for status in statuses {
        let mut took: Vec<Duration> = samples
            .iter()
            .filter(|s| s.status == status)
            .map(|s| s.took)
            .collect();
        took.sort();
        println!(
            "{:<10} {:>8} {:>10.0} {:>10.0} {:>10.0}",
            if status == 0 {
                "no answer".to_owned()
            } else {
                status.to_string()
            },
            took.len(),
            ms(percentile(&took, 0.5)),
            ms(percentile(&took, 0.99)),
            ms(percentile(&took, 1.0))
        );
    }
    let refused = samples.iter().filter(|s| s.status == 503).count();
    let with_retry = samples
        .iter()
        .filter(|s| s.status == 503 && s.retry_after)
        .count();
    let over = samples
        .iter()
        .filter(|s| s.took > Duration::from_secs(10))
        .count();
    println!("503 with Retry-After: {with_retry} of {refused}");
    println!("requests that waited more than 10 s: {over}");
    println!("targets: none waits > 10 s; refusals are 503 with Retry-After");
}
