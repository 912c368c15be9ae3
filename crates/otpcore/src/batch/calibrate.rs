//! What packing costs besides the kernels: the batch's own work per packed
//! verification (its scan slot, its lanes, folding its candidates), measured
//! once per process and hash function on a public workload (with `std`,
//! outside Miri).
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
//! The measurement: sixteen made-up keys on the batch's plan, sixteen ±1
//! requests with a made-up code; one packed pass over their 48 candidates
//! against the same 48 HMACs computed by the lane kernels alone, and the
//! sixteen single calls against their windows' kernels alone. What packing
//! adds per request is the first difference less the second (the parse, fold
//! and result, which a single call does too), per request, each time the
//! fastest of [`ROUNDS`] interleaved rounds, each run once untimed first (as
//! `accel::timing` times the kernels).
//!
//! # Security
//! Nothing here is secret: made-up keys, a made-up code, counters of a fixed
//! step. What it measures is public work, as the plan's timings are.

use core::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use super::request::VerifyRequest;
use crate::accel::{Plan, MAX_LANES};
use crate::format::Format;
use crate::mac::KeyedMac;
use crate::{Algorithm, Digits, Match, VerifyError, Window};

/// Rounds of the two timings; the fastest of each counts.
const ROUNDS: usize = 12;
/// Requests in the calibration batch, ±1 each: three groups of sixteen lanes.
const REQUESTS: usize = MAX_LANES;
const GROUPS: usize = 3;
/// A step well inside `u64`, so every window is whole.
const STEP: u64 = 1_000_000;

/// Per hash function, the measured nanoseconds per packed request plus one
/// (0 while unmeasured).
static PER_REQUEST: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];

fn slot(algorithm: Algorithm) -> usize {
    match algorithm {
        Algorithm::Sha1 => 0,
        Algorithm::Sha256 => 1,
        Algorithm::Sha512 => 2,
    }
}

/// A packed verification pass: `verify_batch`'s, always packing.
pub(super) type PackedPass<'p> =
    &'p dyn Fn(&[VerifyRequest<'_>], &mut [Result<Match, VerifyError>]);

/// The batch's own work per packed ±1 verification of `algorithm`, in
/// nanoseconds, measured on `plan` with `packed` the first time it is asked
/// (later plans reuse it: it is the batch's work, not the kernels'); `None` if
/// it cannot be measured.
pub(super) fn per_request(
    algorithm: Algorithm,
    plan: &Plan,
    packed: PackedPass<'_>,
) -> Option<u64> {
    let stored = PER_REQUEST.get(slot(algorithm))?;
    let known = stored.load(Ordering::Relaxed);
    if known != 0 {
        return Some(known.saturating_sub(1));
    }
    let measured = measure(algorithm, plan, packed)?;
    // Two threads may both measure; either answer will do.
    stored.store(measured.saturating_add(1), Ordering::Relaxed);
    Some(measured)
}

fn measure(algorithm: Algorithm, plan: &Plan, packed_pass: PackedPass<'_>) -> Option<u64> {
    // On the stack, like everything a batch does: no allocation.
    let keys: [KeyedMac; REQUESTS] = core::array::from_fn(|i| {
        let byte = u8::try_from(i).unwrap_or(0).wrapping_add(1);
        KeyedMac::made_up(&[byte; 32], algorithm, *plan)
    });
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

    let mut pass = || {
        packed_pass(&requests, &mut results);
        core::hint::black_box(&results);
    };
    let mut kernels = || {
        for (macs, counters) in &groups {
            KeyedMac::truncated_lanes(macs, counters, &mut out);
        }
        core::hint::black_box(&out);
    };
    // The single calls' own work, which packing saves: the same requests one
    // by one, against their windows' kernels alone.
    let mut singles = || {
        for request in &requests {
            core::hint::black_box(request.verify_alone()).ok();
        }
    };
    let mut windows = || {
        for mac in &keys {
            core::hint::black_box(mac.truncated_window::<3>(STEP.saturating_sub(1)));
        }
    };
    let mut fastest = [u64::MAX; 4];
    for _ in 0..ROUNDS {
        let times = [
            warm_time(&mut pass),
            warm_time(&mut kernels),
            warm_time(&mut singles),
            warm_time(&mut windows),
        ];
        for (f, t) in fastest.iter_mut().zip(times) {
            *f = (*f).min(t);
        }
    }
    let [packed, alone, singles, windows] = fastest;
    let extra = packed
        .saturating_sub(alone)
        .saturating_sub(singles.saturating_sub(windows));
    extra.checked_div(u64::try_from(REQUESTS).ok()?)
}

/// Nanoseconds of one run of `f`, after one untimed run.
fn warm_time(f: &mut impl FnMut()) -> u64 {
    f();
    let start = Instant::now();
    f();
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::{measure, per_request, VerifyRequest};
    use crate::accel::Plan;
    use crate::batch::choice::Packing;
    use crate::batch::verify_with;
    use crate::{Algorithm, Match, VerifyError};

    /// The real packed pass measures, on every hash function; the answer is
    /// kept (whoever asked first, another test may have).
    #[test]
    fn measures_the_packed_pass_once_per_hash_function() {
        let pass = |requests: &[VerifyRequest<'_>], results: &mut [Result<Match, VerifyError>]| {
            verify_with(requests, results, Packing::Always).ok();
        };
        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
            let plan = Plan::current(algorithm);
            assert!(measure(algorithm, &plan, &pass).is_some(), "{algorithm}");
            let first = per_request(algorithm, &plan, &pass);
            assert!(first.is_some(), "{algorithm}");
            assert_eq!(per_request(algorithm, &plan, &pass), first, "{algorithm}");
        }
    }
}
