//! Measuring the backends (with `std`, outside Miri): every backend that has a
//! kernel of its own for the hash function runs the public [`Workload`] at
//! every lane count; the fastest per lane count is kept.
//!
//! Robust to noise the cheap way: [`ROUNDS`] rounds, each timing every (lane
//! count, backend) pair once, in an order rotated each round so no backend is
//! always first after a change of lane count; the minimum of the rounds counts
//! (noise only ever adds time). Each trial runs the group [`REPS`] times, well
//! above the clock's resolution.
//!
//! What a trial measures must be what the kernel costs when it is in use, not
//! what it costs cold, and not the clock: the plan is made in a fresh process,
//! and every trial follows another backend's code. So each trial first runs
//! its group once untimed (its code, branch history and data back in the
//! caches), and the time of reading the clock ([`clock_overhead`]) is taken
//! off. Without them, in sixteen fresh processes on Zen 4 (README.md, "A plan
//! timed cold"), SHA-256's three SHA-NI lanes were timed at 185–205 ns in
//! fourteen against 111–113 ns warm, its sixteen AVX-512 lanes at 636–671
//! against 575–585: short groups read far more expensive than they are, and
//! nine of the sixteen plans packed SHA-256 verifications that run slower
//! packed. With them, twelve fresh processes' plans read 110–115 and 580–586 ns.
//!
//! The total cost is bounded by the workload: `ROUNDS × (REPS + 1) × Σ lanes`
//! HMACs per backend (2,448 for sixteen lane counts), a few milliseconds for
//! all three hash functions (README.md, "Kernels chosen by measurement",
//! measured by the `plan/replan` benchmark).

use std::time::Instant;

use super::backend::Backend;
use super::pads::MAX_LANES;
use super::workload::Workload;
use crate::Algorithm;

/// Rounds of trials; the minimum of each pair's trials counts.
const ROUNDS: usize = 6;
/// Runs of the group per trial.
const REPS: u32 = 2;

/// The fastest backend per lane count and its time in nanoseconds, or `None`
/// when there is nothing to choose (one backend with a kernel of its own). The
/// plan is made of them by `plan`, which calls this: nothing here knows a plan.
pub(super) fn measure(algorithm: Algorithm) -> Option<([Backend; MAX_LANES], [u16; MAX_LANES])> {
    let mut backends = [Backend::PORTABLE; 4];
    let mut count = 0usize;
    for (slot, backend) in backends
        .iter_mut()
        .zip(Backend::available().filter(|b| b.has_own(algorithm)))
    {
        *slot = backend;
        count = count.saturating_add(1);
    }
    let backends = backends.get(..count)?;
    if backends.len() < 2 {
        return None;
    }
    let work = Workload::new();
    let clock = clock_overhead();
    let mut best = [[u64::MAX; 4]; MAX_LANES];
    let mut out = [0u32; MAX_LANES];
    for round in 0..ROUNDS {
        for (lanes, best) in (1..=MAX_LANES).zip(best.iter_mut()) {
            let group = out.get_mut(..lanes)?;
            for i in 0..backends.len() {
                let which = i
                    .wrapping_add(round)
                    .checked_rem(backends.len())
                    .unwrap_or(0);
                let (Some(backend), Some(best)) = (backends.get(which), best.get_mut(which)) else {
                    continue;
                };
                // Untimed: warms this trial's code and data (module docs).
                work.run_on(*backend, algorithm, core::hint::black_box(&mut *group));
                let start = Instant::now();
                for _ in 0..REPS {
                    work.run_on(*backend, algorithm, core::hint::black_box(&mut *group));
                }
                let nanos = u64::try_from(start.elapsed().as_nanos())
                    .unwrap_or(u64::MAX)
                    .saturating_sub(clock);
                *best = (*best).min(nanos.checked_div(u64::from(REPS)).unwrap_or(nanos));
            }
        }
    }
    core::hint::black_box(&out);
    let mut costs = [0u16; MAX_LANES];
    let mut chosen = [Backend::PORTABLE; MAX_LANES];
    for ((times, cost), chosen) in best.iter().zip(costs.iter_mut()).zip(chosen.iter_mut()) {
        // The fastest; on a tie the earlier (simpler) backend.
        let mut fastest = u64::MAX;
        for (backend, time) in backends.iter().zip(times) {
            if *time < fastest {
                fastest = *time;
                *chosen = *backend;
            }
        }
        *cost = u16::try_from(fastest.max(1)).unwrap_or(u16::MAX);
    }
    Some((chosen, costs))
}

/// What reading the clock twice adds to a trial, in nanoseconds: the fastest of
/// a few empty trials (tens of nanoseconds on a virtual machine, a large share
/// of one SHA-NI lane's two runs).
fn clock_overhead() -> u64 {
    (0..16)
        .map(|_| {
            let start = Instant::now();
            u64::try_from(core::hint::black_box(start).elapsed().as_nanos()).unwrap_or(u64::MAX)
        })
        .min()
        .unwrap_or(0)
}
