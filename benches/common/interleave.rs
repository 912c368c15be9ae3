//! Interleaved A/B timing, shared by the `otp` and `stateful` benches: on a
//! machine shared with other work, load from other processes falls on both
//! sides alike. Each side runs [`PAIRS`] trials, back to back in alternating
//! order; a side's time is its minimum trial (noise only adds time), and the
//! median of the per-pair ratios is reported beside the ratio of the minima as
//! a check.

use std::time::Instant;

/// Pairs of trials per ratio.
pub const PAIRS: usize = 15;

/// Calls of `f` per trial so that a trial lasts about `trial_ns`.
fn calls_per_trial(f: &mut dyn FnMut(), trial_ns: u128) -> u64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed().as_nanos() < trial_ns / 4 {
        f();
        calls += 1;
    }
    (calls * 4).max(1)
}

fn trial(f: &mut dyn FnMut(), calls: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..calls {
        f();
    }
    start.elapsed().as_nanos() as f64 / calls as f64
}

/// `(min a, min b, median of b / a)` in nanoseconds per call, interleaved, in
/// trials of about `trial_ns` each.
pub fn ab(a: &mut dyn FnMut(), b: &mut dyn FnMut(), trial_ns: u128) -> (f64, f64, f64) {
    let (ca, cb) = (calls_per_trial(a, trial_ns), calls_per_trial(b, trial_ns));
    let (mut min_a, mut min_b) = (f64::MAX, f64::MAX);
    let mut ratios = Vec::with_capacity(PAIRS);
    for pair in 0..PAIRS {
        let (ta, tb) = if pair % 2 == 0 {
            let ta = trial(a, ca);
            (ta, trial(b, cb))
        } else {
            let tb = trial(b, cb);
            (trial(a, ca), tb)
        };
        min_a = min_a.min(ta);
        min_b = min_b.min(tb);
        ratios.push(tb / ta);
    }
    ratios.sort_by(f64::total_cmp);
    (min_a, min_b, ratios[PAIRS / 2])
}

/// `b / a` of the minima, and the median of the pairs' ratios.
pub fn ratio(min_a: f64, min_b: f64, median: f64) -> String {
    format!("{:.2}× (median {median:.2}×)", min_b / min_a)
}
