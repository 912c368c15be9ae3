//! What packing costs besides the kernels: the batch's own work per packed
//! verification (its scan slot, its lanes, folding its candidates), measured
//! once per process and hash function on a public workload (with `std`,
//! outside Miri); for generation, which batch sizes pack at all, found by
//! trial (`generation`).
//!
//! The plan measures the kernels; a packed pass also does this work, and
//! `choice` must know it to tell whether packing pays. Modelled as half the
//! plan's one-lane cost, as it was, it scaled with the hash function, but the
//! work does not: on Zen 4 with only SHA-NI and AVX2 allowed
//! (`OTPCORE_KERNELS=portable,shani,avx2`), SHA-512's one lane costs 481 ns, so
//! the model charged 240 ns per request, and a batch of sixteen ±1 SHA-512
//! verifications ran as single calls at 740 ns each where packed on AVX2 it
//! ran at 586 (README.md, "On CPUs this machine is not").
//!
//! The measurement, on made-up keys on the batch's plan: one packed pass
//! against the same HMACs computed by the lane kernels alone, and the same
//! requests as single calls against their windows' kernels alone. What
//! packing adds per request is the first difference less the
//! second (the parse, fold and result, which a single call does too), per
//! request, each time the fastest of [`ROUNDS`] interleaved rounds, each run
//! once untimed first (as `accel::timing` times the kernels). The requests:
//! sixteen ±1 verifications with a made-up code, 48 candidates in three
//! groups of sixteen lanes.
//!
//! # Security
//! Nothing here is secret: made-up keys, a made-up code, counters of a fixed
//! step. What it measures is public work, as the plan's timings are.

use core::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

mod generation;

use super::request::VerifyRequest;
use crate::accel::{Plan, MAX_LANES};
use crate::format::Format;
use crate::mac::KeyedMac;
use crate::{Algorithm, Digits, Match, VerifyError, Window};

pub(super) use generation::{known_packed_sizes, packs_codes};

/// Rounds of the timings; the fastest of each counts.
const ROUNDS: usize = 12;
/// Verification requests, ±1 each: three groups of sixteen lanes.
const REQUESTS: usize = MAX_LANES;
const GROUPS: usize = 3;
/// A step well inside `u64`, so every window is whole.
const STEP: u64 = 1_000_000;

/// Per hash function, the measured nanoseconds per packed verification plus
/// one (0 while unmeasured).
static PER_VERIFICATION: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];

/// A packed verification pass: `verify_batch`'s, always packing.
pub(super) type VerifyPass<'p> =
    &'p dyn Fn(&[VerifyRequest<'_>], &mut [Result<Match, VerifyError>]);

/// The batch's own work per packed ±1 verification of `algorithm`, in
/// nanoseconds, measured on `plan` with `packed` the first time it is asked
/// (later plans reuse it: it is the batch's work, not the kernels'); `None` if
/// it cannot be measured.
pub(super) fn per_verification(
    algorithm: Algorithm,
    plan: &Plan,
    packed: VerifyPass<'_>,
) -> Option<u64> {
    remembered(&PER_VERIFICATION, algorithm, || {
        measure_verification(algorithm, plan, packed)
    })
}

/// [`per_verification`]'s answer if it was measured already; measures nothing.
pub(super) fn known_verification_work(algorithm: Algorithm) -> Option<u64> {
    known(&PER_VERIFICATION, algorithm)
}

/// `algorithm`'s entry of `table` if it was measured already.
fn known(table: &[AtomicU64; 3], algorithm: Algorithm) -> Option<u64> {
    let stored = table.get(algorithm.index())?.load(Ordering::Relaxed);
    stored.checked_sub(1)
}

/// `algorithm`'s entry of `table`, measured by `measure` if it was not yet.
fn remembered(
    table: &[AtomicU64; 3],
    algorithm: Algorithm,
    measure: impl FnOnce() -> Option<u64>,
) -> Option<u64> {
    if let Some(known) = known(table, algorithm) {
        return Some(known);
    }
    let stored = table.get(algorithm.index())?;
    let measured = measure()?;
    // Two threads may both measure; either answer will do.
    stored.store(measured.saturating_add(1), Ordering::Relaxed);
    Some(measured)
}

/// `N` made-up keys of `algorithm` on `plan`, on the stack like everything a
/// batch does: no allocation.
fn keys<const N: usize>(algorithm: Algorithm, plan: &Plan) -> [KeyedMac; N] {
    core::array::from_fn(|i| {
        let byte = u8::try_from(i).unwrap_or(0).wrapping_add(1);
        KeyedMac::made_up(&[byte; 32], algorithm, *plan)
    })
}

fn measure_verification(algorithm: Algorithm, plan: &Plan, packed: VerifyPass<'_>) -> Option<u64> {
    let keys: [KeyedMac; REQUESTS] = keys(algorithm, plan);
    let format = Format::decimal(Digits::SIX);
    let requests = keys
        .each_ref()
        .map(|mac| VerifyRequest::made_up(mac, &format, "000000", STEP, Window::symmetric(1)));
    let mut results = [Err(VerifyError::Mismatch); REQUESTS];
    // The same HMACs by the kernels alone: lane `l` of group `g` is candidate
    // `(16g + l) % 3` of request `(16g + l) / 3`.
    let lane = |g: usize, l: usize| g.wrapping_mul(MAX_LANES).wrapping_add(l);
    let [first, ..] = &keys;
    let groups: [([&KeyedMac; MAX_LANES], [u64; MAX_LANES]); GROUPS] = core::array::from_fn(|g| {
        let macs = core::array::from_fn(|l| keys.get(lane(g, l) / 3).unwrap_or(first));
        let counters = core::array::from_fn(|l| {
            let offset = u64::try_from(lane(g, l) % 3).unwrap_or(0);
            STEP.wrapping_sub(1).wrapping_add(offset)
        });
        (macs, counters)
    });
    let mut out = [0u32; MAX_LANES];
    added_work(
        REQUESTS,
        [
            &mut || {
                packed(&requests, &mut results);
                core::hint::black_box(&results);
            },
            &mut || {
                for (macs, counters) in &groups {
                    KeyedMac::truncated_lanes(macs, counters, &mut out);
                }
                core::hint::black_box(&out);
            },
            &mut || {
                for request in &requests {
                    core::hint::black_box(request.verify_alone()).ok();
                }
            },
            &mut || {
                for mac in &keys {
                    core::hint::black_box(mac.truncated_window::<3>(STEP.saturating_sub(1)));
                }
            },
        ],
    )
}

/// Per request, what `packed` adds to `lanes` (the same HMACs by the lane
/// kernels alone) beyond what `singles` adds to `alone` (their kernels alone):
/// `[packed, lanes, singles, alone]`, each the fastest of [`ROUNDS`] rounds.
fn added_work(requests: usize, mut passes: [&mut dyn FnMut(); 4]) -> Option<u64> {
    let mut fastest = [u64::MAX; 4];
    for _ in 0..ROUNDS {
        for (f, pass) in fastest.iter_mut().zip(passes.iter_mut()) {
            *f = (*f).min(warm_time(pass));
        }
    }
    let [packed, lanes, singles, alone] = fastest;
    let extra = packed
        .saturating_sub(lanes)
        .saturating_sub(singles.saturating_sub(alone));
    extra.checked_div(u64::try_from(requests).ok()?)
}

/// Nanoseconds of one run of `f`, after one untimed run.
fn warm_time(f: &mut dyn FnMut()) -> u64 {
    f();
    let start = Instant::now();
    f();
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use core::sync::atomic::AtomicU64;
    use std::time::{Duration, Instant};

    use super::{measure_verification, per_verification, remembered, VerifyRequest, REQUESTS};
    use crate::accel::Plan;
    use crate::batch::choice::Packing;
    use crate::batch::verify_with;
    use crate::{Algorithm, Match, VerifyError};

    /// Busy for `time` (a sleep would give the core away).
    fn spin(time: Duration) {
        let start = Instant::now();
        while start.elapsed() < time {
            core::hint::spin_loop();
        }
    }

    /// The real packed pass measures, on every hash function; the answer is
    /// kept (whoever asked first, another test may have).
    #[test]
    fn measures_the_packed_pass_once_per_hash_function() {
        let verify = |requests: &[VerifyRequest<'_>],
                      results: &mut [Result<Match, VerifyError>]| {
            verify_with(requests, results, Packing::Always).ok();
        };
        for algorithm in Algorithm::ALL {
            let plan = Plan::current(algorithm);
            assert!(
                measure_verification(algorithm, &plan, &verify).is_some(),
                "{algorithm}"
            );
            assert!(
                per_verification(algorithm, &plan, &verify).is_some(),
                "{algorithm}"
            );
            // Kept: asked again, the answer is the stored one. (Another test may
            // be measuring the same hash function and store its answer last,
            // once: two reads in a row then agree.)
            let kept = (0..1000).any(|_| {
                per_verification(algorithm, &plan, &verify)
                    == per_verification(algorithm, &plan, &|_, _| panic!("measured twice"))
            });
            assert!(kept, "{algorithm}");
        }
    }

    /// What a pass adds is what is measured: a packed pass made 400 µs slower
    /// than the real one carries 400 µs more work, shared by its requests, and
    /// the single calls' own work is not counted twice. (400 µs: well above
    /// the timing noise of sixteen single calls unoptimised and portable-only,
    /// where 40 µs read 1.6 µs per request against 2.5.)
    #[test]
    fn counts_what_the_packed_pass_adds() {
        const ADDED: u64 = 400_000;
        let slow = |requests: &[VerifyRequest<'_>], results: &mut [Result<Match, VerifyError>]| {
            verify_with(requests, results, Packing::Always).ok();
            spin(Duration::from_nanos(ADDED));
        };
        let plan = Plan::current(Algorithm::Sha1);
        let measured = measure_verification(Algorithm::Sha1, &plan, &slow).unwrap();
        let share = ADDED / REQUESTS as u64;
        // The real pass's own work on top: a few tens of ns a request
        // optimised, a few µs unoptimised; a tenth below for the single
        // calls' timing noise.
        assert!(
            (share * 9 / 10..share + 10_000).contains(&measured),
            "{measured} ns against {share}"
        );
    }

    /// A measurement is made once per table entry and then kept.
    #[test]
    fn remembers_each_hash_function_once() {
        let table = [const { AtomicU64::new(0) }; 3];
        assert_eq!(remembered(&table, Algorithm::Sha256, || Some(0)), Some(0));
        let again = || -> Option<u64> { panic!("measured twice") };
        assert_eq!(remembered(&table, Algorithm::Sha256, again), Some(0));
        // Another hash function is its own entry; a failed measurement keeps
        // nothing.
        assert_eq!(remembered(&table, Algorithm::Sha1, || None), None);
        assert_eq!(remembered(&table, Algorithm::Sha1, || Some(17)), Some(17));
        assert_eq!(remembered(&table, Algorithm::Sha1, again), Some(17));
    }
}
