//! [`generate_batch`]: many codes at once, packed into lanes where this
//! process's trial of packed against single calls says it pays (`choice`,
//! `calibrate`), otherwise the single calls in one pass.

use super::choice::Packing;
use super::lanes::{present, Lanes};
use super::request::{check_lengths, BatchError, GenerateRequest};
use crate::accel::Plan;
use crate::{Algorithm, Code, TimeError};

/// Generates `codes[i]` for `requests[i]`, computing up to sixteen HMACs at a
/// time.
///
/// # Errors
/// [`BatchError::LengthMismatch`] if the slices differ in length (nothing is
/// written then). A request's own failure (a time before `t0`) goes into its slot.
///
/// # Security
/// As [`Totp::generate_at`](crate::Totp::generate_at): constant time in the
/// secrets; the work depends only on the number of requests and their
/// algorithms.
#[inline]
pub fn generate_batch(
    requests: &[GenerateRequest<'_>],
    codes: &mut [Result<Code, TimeError>],
) -> Result<(), BatchError> {
    if let ([request], [code]) = (requests, &mut *codes) {
        // One request: the single call, inlined into the caller as
        // `generate_at` is, with nothing around it (README.md, "Batch against
        // single calls": 0.96× the single call through one more call layer).
        *code = request.generate_alone();
        return Ok(());
    }
    generate_with(requests, codes, Packing::Measured)
}

/// Whether packing `codes` codes of `algorithm` on `plan` ran a fifth faster
/// than their single calls in this process's trial (`calibrate`: tried once,
/// with `std` outside Miri).
fn tried(algorithm: Algorithm, plan: &Plan, codes: usize) -> Option<bool> {
    #[cfg(all(feature = "std", not(miri)))]
    {
        let packed = |requests: &[GenerateRequest<'_>], codes: &mut [Result<Code, TimeError>]| {
            generate_with(requests, codes, Packing::Always).ok();
        };
        super::calibrate::packs_codes(algorithm, plan, &packed, codes)
    }
    #[cfg(not(all(feature = "std", not(miri))))]
    {
        let _ = (algorithm, plan, codes);
        None
    }
}

#[inline(never)]
pub(super) fn generate_with(
    requests: &[GenerateRequest<'_>],
    codes: &mut [Result<Code, TimeError>],
    packing: Packing,
) -> Result<(), BatchError> {
    check_lengths(requests.len(), codes.len())?;
    let Some(first) = requests.first() else {
        return Ok(());
    };
    if requests.iter().all(|r| r.algorithm == first.algorithm) {
        // One hash function (the usual batch): one decision, then one pass.
        if packs(packing, first, requests.len()) {
            pack(requests, codes, first);
        } else {
            for (request, code) in requests.iter().zip(codes.iter_mut()) {
                *code = request.generate_alone();
            }
        }
        return Ok(());
    }
    for (algorithm, count) in present(requests.iter().map(|r| r.algorithm)) {
        let Some(first) = requests.iter().find(|r| r.algorithm == algorithm) else {
            continue;
        };
        if packs(packing, first, count) {
            pack(requests, codes, first);
        } else {
            for (request, code) in requests.iter().zip(codes.iter_mut()) {
                if request.algorithm == algorithm {
                    *code = request.generate_alone();
                }
            }
        }
    }
    Ok(())
}

/// Whether to pack the `count` codes of `first`'s hash function, on `first`'s
/// plan.
#[inline]
fn packs(packing: Packing, first: &GenerateRequest<'_>, count: usize) -> bool {
    let plan = first.mac.plan();
    let measured = plan.costs().is_some();
    packing.may_pack_codes(count, || measured)
        && packing.generate(measured, Some(plan.sixteen()), count, || {
            tried(first.algorithm, plan, count)
        })
}

/// The codes of the requests of `first`'s hash function (`first` is the first
/// of them), sixteen lanes at a time.
#[inline(never)]
fn pack(
    requests: &[GenerateRequest<'_>],
    codes: &mut [Result<Code, TimeError>],
    first: &GenerateRequest<'_>,
) {
    let algorithm = first.algorithm;
    let mut lanes = Lanes::new(first.mac);
    for (index, request) in requests.iter().enumerate() {
        if request.algorithm != algorithm {
            continue;
        }
        match request.step {
            Ok(step) => lanes.push(request.mac, step, index),
            Err(e) => {
                if let Some(slot) = codes.get_mut(index) {
                    *slot = Err(e);
                }
            }
        }
        if lanes.room() == 0 {
            write_codes(&mut lanes, requests, codes);
        }
    }
    write_codes(&mut lanes, requests, codes);
}

fn write_codes(
    lanes: &mut Lanes<'_>,
    requests: &[GenerateRequest<'_>],
    codes: &mut [Result<Code, TimeError>],
) {
    for (index, value) in lanes.compute() {
        if let (Some(request), Some(slot)) = (requests.get(index), codes.get_mut(index)) {
            *slot = Ok(Code::new(request.digits.reduce(value), request.digits));
        }
    }
}
