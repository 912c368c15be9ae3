//! otpcore benchmarks: one criterion run, one binary, table-driven ids.
//!
//! `cargo bench --bench otp` runs everything; `cargo bench --bench otp -- peers/`
//! runs one group. Ids read like paths: `totp/verify/sha1/window=3/ok` is TOTP
//! verification with SHA-1, a window of three steps (±1) and a correct code.
//! `scripts/bench-report.py` turns `target/criterion` into the README table and chart.
//!
//! The run starts by printing the CPU and the kernel plan (`kernels::report`);
//! ids that end in a kernel name (`/avx512`, `/shani`, …) or `/plan` say which
//! backend the row used.

use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::Criterion;

mod batch;
mod clock;
mod fixtures;
#[path = "../common/interleave.rs"]
mod interleave;
mod kernels;
mod otp;
mod peers;
mod processes;
mod ratios;
mod store;

fn main() {
    if std::env::var_os("OTPCORE_BENCH_RATIOS").is_some() {
        // Interleaved A/B ratios instead of criterion (benches/otp/ratios.rs),
        // in several processes if asked (benches/otp/processes.rs).
        match processes::wanted() {
            Some(count) => processes::run(count),
            None => ratios::run(),
        }
        return;
    }
    // The CPU and the plan every row without a kernel in its id runs on.
    kernels::report();
    if std::env::var_os("OTPCORE_BENCH_CLOCK").is_some_and(|v| v == "thread") {
        run(Criterion::default().with_measurement(clock::ThreadTime));
    } else {
        run(Criterion::default());
    }
}

fn run<M: Measurement + 'static>(c: Criterion<M>) {
    // Short, repeatable runs: every id is a tight loop of nanoseconds, so two
    // seconds of samples give tight intervals. Command-line flags still override.
    let mut c = c
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    otp::bench(&mut c);
    store::bench(&mut c);
    peers::bench(&mut c);
    kernels::bench(&mut c);
    // These two change the process's plan (keys made before keep theirs): last.
    batch::bench(&mut c);
    kernels::bench_replan(&mut c);
    c.final_summary();
}
