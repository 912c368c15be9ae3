//! Many codes at once: [`generate_batch`] and [`verify_batch`].
//!
//! A server that checks many logins (or precomputes many codes) can hand them
//! over together. The HMACs of different credentials are independent, so they are
//! computed side by side: sixteen SHA-1 or SHA-256 lanes in AVX-512 registers,
//! eight in AVX2, or four interleaved SHA-NI streams, whichever the CPU offers
//! (detected once per key, with or without `std`; off x86-64, one at a time). The
//! results are exactly those of
//! [`Totp::generate_at`](crate::Totp::generate_at),
//! [`Totp::verify_at`](crate::Totp::verify_at),
//! [`Steam::verify_at`](crate::Steam::verify_at),
//! [`Hotp::generate`](crate::Hotp::generate) and
//! [`Hotp::verify`](crate::Hotp::verify) on each request alone. Steam requests
//! are HMAC-SHA-1 and share lanes with SHA-1 TOTP and HOTP ones; generation is
//! decimal only ([`Code`](crate::Code)).
//!
//! Packed only where that pays: a batch packs lanes, per hash function, only
//! where this process measured that it saves a fifth — verifications by the
//! plan's measured costs and the batch's own work per request, codes by a
//! trial of packed passes against single calls for two to sixteen codes (both
//! measured once, `calibrate`; `choice`); otherwise it makes the single calls
//! itself, in one pass. Without measured costs it packs only from one full
//! group of sixteen lanes on. A batch of one request is always the single
//! call. A batch that makes single calls costs what they cost within a few per
//! cent, not less: on the development machine (Zen 4, SHA-NI windows) two to
//! eight ±1 verifications read 0.95–0.98× the same calls made one by one,
//! about what a loop of `Totp::verify_step` reads against one of
//! `Totp::verify_at` (README.md, "Batches that make single calls").
//!
//! Nothing is allocated: the caller provides the result slice.
//!
//! ```
//! use otpcore::{verify_batch, Secret, Totp, TotpConfig, VerifyRequest, Window};
//! let alice = Totp::new(&Secret::from_bytes(b"12345678901234567890")?, TotpConfig::default());
//! let bob = Totp::new(&Secret::from_bytes(b"abcdefghijklmnopqrst")?, TotpConfig::default());
//! let now = 59;
//! let requests = [
//!     VerifyRequest::totp(&alice, "287082", now, Window::default(), None),
//!     VerifyRequest::totp(&bob, "000000", now, Window::default(), None),
//! ];
//! let mut results = [Ok(otpcore::Match { step: 0, offset: 0 }); 2];
//! verify_batch(&requests, &mut results)?;
//! assert_eq!(results[0].map(|m| m.step), Ok(1));
//! assert!(results[1].is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(all(feature = "std", not(miri)))]
mod calibrate;
mod choice;
mod generate;
mod lanes;
mod request;
mod rules;

use crate::accel::{Plan, MAX_LANES};
use crate::format::Format;
use crate::mac::KeyedMac;
use crate::scan::Scan;
use crate::{Algorithm, Match, VerifyError};
use choice::{Candidates, Packing};
pub use generate::generate_batch;
use lanes::{present, Lanes};
use request::check_lengths;
pub use request::{BatchError, GenerateRequest, VerifyRequest};
pub use rules::{batch_rules, BatchRules, GenerationRules};

/// A scan in progress and the request it answers.
struct Slot {
    request: usize,
    /// The request's code format, to reduce each candidate as its input was
    /// parsed.
    format: Format,
    scan: Scan,
}

/// Scans in progress; a request occupies one from its first lane until the flush
/// that computes its last. At most `MAX_LANES` are ever in use (each has a lane
/// in the buffer, or is the one being filled).
type Slots = [Option<Slot>; MAX_LANES + 1];

/// Verifies `requests[i]` into `results[i]`, computing up to sixteen candidate
/// HMACs at a time across requests.
///
/// # Errors
/// [`BatchError::LengthMismatch`] if the slices differ in length (nothing is
/// written then). Each request's own outcome — a [`Match`] or a [`VerifyError`] —
/// goes into its slot, exactly as [`Totp::verify_at`](crate::Totp::verify_at),
/// [`Steam::verify_at`](crate::Steam::verify_at) or
/// [`Hotp::verify`](crate::Hotp::verify) return it.
///
/// # Security
/// Each request is scanned like a single verification: every candidate in its
/// window is computed and folded in constant time, no early exit. The work depends
/// only on the public shape of the batch (window sizes, algorithms, which inputs
/// are well-formed), not on secrets or on which codes match.
#[inline]
pub fn verify_batch(
    requests: &[VerifyRequest<'_>],
    results: &mut [Result<Match, VerifyError>],
) -> Result<(), BatchError> {
    if let ([request], [result]) = (requests, &mut *results) {
        // One request: the single call (as in `generate_batch`).
        *result = request.verify_alone();
        return Ok(());
    }
    verify_with(requests, results, Packing::Measured)
}

/// The batch's own work per packed verification of `algorithm` on `plan`, in
/// nanoseconds (`calibrate`: measured once, with `std` outside Miri).
fn bookkeeping(algorithm: Algorithm, plan: &Plan) -> Option<u64> {
    #[cfg(all(feature = "std", not(miri)))]
    {
        let packed = |requests: &[VerifyRequest<'_>],
                      results: &mut [Result<Match, VerifyError>]| {
            verify_with(requests, results, Packing::Always).ok();
        };
        calibrate::per_verification(algorithm, plan, &packed)
    }
    #[cfg(not(all(feature = "std", not(miri))))]
    {
        let _ = (algorithm, plan);
        None
    }
}

#[inline(never)]
fn verify_with(
    requests: &[VerifyRequest<'_>],
    results: &mut [Result<Match, VerifyError>],
    packing: Packing,
) -> Result<(), BatchError> {
    check_lengths(requests.len(), results.len())?;
    let Some(first) = requests.first() else {
        return Ok(());
    };
    let shape = Shape::of(first, requests);
    let plan = first.mac.plan();
    let window = plan.backend(first.candidates()).kernel();
    if !packing.may_pack_windows(shape.lanes, window, || plan.costs().is_some()) {
        // Fewer candidates than one group of lanes, and nothing to gain or no
        // measured costs to weigh them: the single calls, in one pass.
        single_calls(requests, results);
        return Ok(());
    }
    if shape.one_hash {
        // One hash function (the usual batch): decide once, and if the answer
        // is single calls, make them in one pass. Windows of one size (the
        // usual batch again) need no second pass over the requests.
        let (costs, sixteen, n) = (plan.costs(), Some(plan.sixteen()), requests.len());
        let bookkeeping = || bookkeeping(first.algorithm, plan);
        let pack = match shape.candidates {
            Some(each) => packing.verify(costs, sixteen, n, Candidates::each(each), bookkeeping),
            None => {
                let each = requests.iter().map(VerifyRequest::candidates);
                packing.verify(costs, sixteen, n, Candidates::Varied(each), bookkeeping)
            }
        };
        if !pack {
            single_calls(requests, results);
            return Ok(());
        }
    }
    for (algorithm, count) in present(requests.iter().map(|r| r.algorithm)) {
        let of_algorithm = || requests.iter().filter(|r| r.algorithm == algorithm);
        // `present` yields only hash functions some request has.
        let Some(first_of) = of_algorithm().next() else {
            continue;
        };
        let plan = first_of.mac.plan();
        let (costs, sixteen) = (plan.costs(), Some(plan.sixteen()));
        let candidates = Candidates::Varied(of_algorithm().map(VerifyRequest::candidates));
        let bookkeeping = || bookkeeping(algorithm, plan);
        if packing.verify(costs, sixteen, count, candidates, bookkeeping) {
            verify_packed(requests, results, first_of.mac);
        } else {
            for (request, result) in requests.iter().zip(results.iter_mut()) {
                if request.algorithm == algorithm {
                    *result = request.verify_alone();
                }
            }
        }
    }
    Ok(())
}

/// Verifies the requests of `first`'s hash function in packed lanes (`first`
/// also keys the unused lanes, never computed). Its own function, never
/// inlined: its slots and lanes take about 3 KB of stack, which `verify_with`
/// (deciding, and making the single calls) does not need.
#[inline(never)]
fn verify_packed(
    requests: &[VerifyRequest<'_>],
    results: &mut [Result<Match, VerifyError>],
    first: &KeyedMac,
) {
    let algorithm = first.algorithm();
    let mut lanes = Lanes::new(first);
    let mut slots: Slots = Default::default();
    let mut used = 0usize;
    for (index, request) in requests.iter().enumerate() {
        if request.algorithm != algorithm {
            continue;
        }
        let scan = match request.start() {
            Ok(scan) => scan,
            Err(e) => {
                if let Some(slot) = results.get_mut(index) {
                    *slot = Err(e);
                }
                continue;
            }
        };
        if used >= slots.len() {
            used = fold_lanes(&mut lanes, &mut slots, used, results, None);
        }
        let mut current = used;
        if let Some(slot) = slots.get_mut(current) {
            *slot = Some(Slot {
                request: index,
                format: *request.format,
                scan,
            });
        }
        used = used.saturating_add(1);
        // Hand this request's candidates to the lanes, flushing whenever full.
        while let Some(Some(slot)) = slots.get_mut(current) {
            let Some((first_step, count)) = slot.scan.next_run(lanes.room()) else {
                break;
            };
            let mut step = first_step;
            for _ in 0..count {
                lanes.push(request.mac, step, current);
                step = step.wrapping_add(1);
            }
            if lanes.room() == 0 {
                used = fold_lanes(&mut lanes, &mut slots, used, results, Some(current));
                current = 0;
            }
        }
    }
    fold_lanes(&mut lanes, &mut slots, used, results, None);
}

/// Every request by its single call, in one pass.
#[inline]
fn single_calls(requests: &[VerifyRequest<'_>], results: &mut [Result<Match, VerifyError>]) {
    for (request, result) in requests.iter().zip(results.iter_mut()) {
        *result = request.verify_alone();
    }
}

/// What a verification batch's packing decision needs, read in one pass over
/// its requests. Three passes (candidates in all, one hash function or
/// several, the single calls' modelled cost) made a batch that then chose
/// single calls 2–3 % slower than a loop of `Totp::verify_at` on Zen 4; with the
/// decision skipped it ran at 1.00× (README.md, "Batch against single calls").
struct Shape {
    /// Candidates of all the requests' windows.
    lanes: usize,
    /// Whether every request has `first`'s hash function.
    one_hash: bool,
    /// The candidates of every request's window, if they all have the same.
    candidates: Option<usize>,
}

impl Shape {
    fn of(first: &VerifyRequest<'_>, requests: &[VerifyRequest<'_>]) -> Shape {
        let each = first.candidates();
        let mut shape = Shape {
            lanes: 0,
            one_hash: true,
            candidates: Some(each),
        };
        for request in requests {
            let candidates = request.candidates();
            shape.lanes = shape.lanes.saturating_add(candidates);
            shape.one_hash &= request.algorithm == first.algorithm;
            if candidates != each {
                shape.candidates = None;
            }
        }
        shape
    }
}

/// Computes the waiting lanes, folds each into its scan, and finishes every scan
/// in slots `..used` whose candidates are all folded. The scan in slot `keep`, if
/// unfinished, moves to slot 0. Returns the number of slots now in use.
fn fold_lanes(
    lanes: &mut Lanes<'_>,
    slots: &mut Slots,
    used: usize,
    results: &mut [Result<Match, VerifyError>],
    keep: Option<usize>,
) -> usize {
    for (owner, value) in lanes.compute() {
        if let Some(Some(slot)) = slots.get_mut(owner) {
            // `format` is public (the request's type); `reduce` has no branch or
            // division on the secret-derived `value` (see `Format::reduce`).
            slot.scan.fold(slot.format.reduce(value));
        }
    }
    let mut carried = false;
    for (index, entry) in slots.iter_mut().enumerate().take(used) {
        match entry {
            Some(slot) if keep == Some(index) && !slot.scan.exhausted() => carried = true,
            Some(_) => {
                if let Some(slot) = entry.take() {
                    if let Some(result) = results.get_mut(slot.request) {
                        // Branch-free (`Scan::finish`): a branch here is predicted
                        // from the neighbours' outcomes (SECURITY.md, |t| = 72).
                        *result = slot.scan.finish();
                    }
                }
            }
            None => {}
        }
    }
    match keep {
        Some(index) if carried => {
            slots.swap(0, index);
            1
        }
        _ => 0,
    }
}

#[cfg(test)]
// Tests count with small integers.
#[allow(clippy::arithmetic_side_effects)]
mod tests;
