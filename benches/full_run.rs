//! Benchmark: the whole suite against the built-in reference mocks (https, reports written), as
//! `uma-conformance run` does it. Reports the wall time of each run (and their median) and the process's peak
//! resident memory. Run with `cargo bench --bench full_run`.

use std::time::{Duration, Instant};

use uma_conformance::runner::run::{RunOptions, run};

const RUNS: usize = 7;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects nothing here.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let reports = tempfile::tempdir().expect("a temporary reports folder");
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut scenarios = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let options = RunOptions {
            reports_dir: Some(reports.path().to_path_buf()),
            ..RunOptions::default()
        };
        let report = runtime
            .block_on(run(&options))
            .expect("the built-in run completes");
        times.push(started.elapsed());
        scenarios = report.results.len();
        assert!(
            report.summary.conformant,
            "the built-in run must be conformant"
        );
    }
    times.sort();
    let median = times[RUNS / 2];
    println!("full run against the built-in mocks: {scenarios} scenarios, {RUNS} runs");
    for (i, t) in times.iter().enumerate() {
        println!("  run {i}: {:.3} s", t.as_secs_f64());
    }
    println!("median wall time: {:.3} s", median.as_secs_f64());
    match peak_rss_kib() {
        Some(kib) => println!("peak resident memory: {:.1} MiB", kib as f64 / 1024.0),
        None => println!("peak resident memory: unavailable on this platform"),
    }
}
