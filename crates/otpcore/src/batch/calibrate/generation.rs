//! Which generation batches pack, found by trial once per process and hash
//! function: for every size from two to sixteen codes, a packed pass of
//! made-up codes against the same codes as single calls, each the fastest of
//! [`ROUNDS`] interleaved rounds, each run once untimed first.
//!
//! Why a trial and not the plan's costs: single calls in a row overlap in the
//! CPU (each is one latency-bound chain, and the next one's starts while the
//! last one's finishes), and a packed pass sets up its lane arrays, which the
//! plan's costs leave out. A model of the plan's costs plus a measured work
//! per code packed two SHA-1 codes on Zen 4 and ran them at 0.66× the single
//! calls; tried, two codes do not pack there, four to sixteen SHA-256 and
//! SHA-512 codes do (README.md, "Batch against single calls").
//!
//! Sixteen codes answer for larger batches too: they pack in groups of
//! sixteen, each as the trial's, with the pass's fixed work shared by more.
//!
//! # Security
//! Nothing here is secret: made-up keys and counters of a fixed step. What it
//! measures is public work, as the plan's timings are.

use core::sync::atomic::AtomicU64;

use super::{keys, known, remembered, warm_time, ROUNDS, STEP};
use crate::accel::{Plan, MAX_LANES};
use crate::batch::request::GenerateRequest;
use crate::batch::rules::packs_size;
use crate::{Algorithm, Code, Digits, TimeError};

/// A packed generation pass: `generate_batch`'s, always packing.
pub(in crate::batch) type GeneratePass<'p> =
    &'p dyn Fn(&[GenerateRequest<'_>], &mut [Result<Code, TimeError>]);

/// Per hash function, bit `n` set where packing `n` codes ran a fifth faster
/// than their single calls, plus one (0 while untried).
static PACKS: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];

/// Whether packing `codes` codes of `algorithm` pays on this machine, tried on
/// `plan` with `packed` the first time it is asked (later plans reuse it);
/// `None` if it cannot be tried.
pub(in crate::batch) fn packs_codes(
    algorithm: Algorithm,
    plan: &Plan,
    packed: GeneratePass<'_>,
    codes: usize,
) -> Option<bool> {
    let packs = remembered(&PACKS, algorithm, || Some(trial(algorithm, plan, packed)))?;
    packs_size(packs, codes)
}

/// The trial's answer as bits (see [`PACKS`]) if it was made already; tries
/// nothing.
pub(in crate::batch) fn known_packed_sizes(algorithm: Algorithm) -> Option<u64> {
    known(&PACKS, algorithm)
}

/// The sizes from two to sixteen codes where `packed` ran a fifth faster than
/// the single calls, as bits.
fn trial(algorithm: Algorithm, plan: &Plan, packed: GeneratePass<'_>) -> u64 {
    let keys: [_; MAX_LANES] = keys(algorithm, plan);
    let requests = keys
        .each_ref()
        .map(|mac| GenerateRequest::made_up(mac, Digits::SIX, STEP));
    let mut codes = [Err(TimeError::BeforeT0); MAX_LANES];
    // `[packed, single]` per size.
    let mut fastest = [[u64::MAX; 2]; MAX_LANES + 1];
    for _ in 0..ROUNDS {
        for (size, fastest) in fastest.iter_mut().enumerate().skip(2) {
            let (Some(requests), Some(codes)) = (requests.get(..size), codes.get_mut(..size))
            else {
                continue;
            };
            let pass = warm_time(&mut || {
                packed(requests, &mut *codes);
                core::hint::black_box(&*codes);
            });
            let singles = warm_time(&mut || {
                for request in requests {
                    core::hint::black_box(request.generate_alone()).ok();
                }
            });
            fastest[0] = fastest[0].min(pass);
            fastest[1] = fastest[1].min(singles);
        }
    }
    let mut packs = 0u64;
    for (size, [pass, singles]) in fastest.iter().enumerate().skip(2) {
        // Both times hold the clock's own cost, which favours neither: it
        // only makes small batches look closer than they are.
        if pass.saturating_mul(5) < singles.saturating_mul(4) {
            packs |= 1u64
                .checked_shl(u32::try_from(size).unwrap_or(0))
                .unwrap_or(0);
        }
    }
    packs
}

#[cfg(test)]
mod tests {
    use super::{trial, GenerateRequest, MAX_LANES};
    use crate::accel::Plan;
    use crate::{Algorithm, Code, TimeError};

    /// The trial decides by the passes it is given: a pass that takes no time
    /// packs every size, one that makes every code three times over, one by
    /// one, none (both scale with the build: unoptimised and portable-only too).
    #[test]
    fn packs_the_sizes_whose_pass_ran_faster() {
        let plan = Plan::current(Algorithm::Sha512);
        let free = |_: &[GenerateRequest<'_>], _: &mut [Result<Code, TimeError>]| {};
        let every = (2..=MAX_LANES).fold(0u64, |bits, size| bits | 1 << size);
        assert_eq!(trial(Algorithm::Sha512, &plan, &free), every);
        let slow = |requests: &[GenerateRequest<'_>], codes: &mut [Result<Code, TimeError>]| {
            for _ in 0..3 {
                for (request, code) in requests.iter().zip(codes.iter_mut()) {
                    *code = core::hint::black_box(request.generate_alone());
                }
            }
        };
        let plan = Plan::current(Algorithm::Sha1);
        assert_eq!(trial(Algorithm::Sha1, &plan, &slow), 0);
    }
}
