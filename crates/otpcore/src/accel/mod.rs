//! Running HMAC for many codes at once: the candidates of a verification window
//! and the codes of a batch.
//!
//! Every function here takes *lanes*: a keyed state and a counter each, and writes
//! each lane's truncated MAC (RFC 4226 §5.3 `DT`). Lanes are independent, so the
//! kernels can interleave them:
//! - `avx512` / `avx2`: sixteen / eight lanes of SHA-1 or SHA-256 side by side in
//!   vector registers (multi-buffer hashing, `lanes`); `avx512x64` / `avx2x64`:
//!   eight / four lanes of SHA-512 (`lanes64`);
//! - `shani` / `shani256`: SHA-1 / SHA-256 with the x86 SHA extensions, up to four
//!   lanes in lock-step;
//! - `portable`: one lane at a time through RustCrypto's compression functions.
//!
//! Which backend computes a group of `n` lanes of a hash function is the
//! process's plan (`plan`): measured once at first use, like FFTW's planner,
//! or forced (`OTPCORE_BACKEND`, [`force`]), or a fixed table without a clock;
//! `OTPCORE_KERNELS` can narrow the kernels it chooses from (`allowed`).
//! Each key keeps a copy of its hash's plan.
//!
//! This module is the facade: it cuts runs and batches into groups of
//! [`MAX_LANES`] and hands each group to the backend its plan names for that
//! many lanes. `backend` is the only module that calls a kernel and the only one
//! that imports them; the kernels import lane types (`pads`), constants
//! (`consts`) and vector casts (`vec`), nothing of their callers. All backends
//! compute the same values (tested against each other and against the `hmac`
//! crate).
//!
//! # Security
//! The work done depends only on the number of lanes, the CPU and the plan
//! (itself made from public timings), never on the keys, the counters or the
//! results: no kernel branches on or indexes by secret data.

// The x86-64 kernels, unless SIMD is compiled out: `--cfg otpcore_backend="soft"`
// forces the portable code (as RustCrypto's `sha2_backend="soft"`), and Miri can
// run neither CPUID nor the intrinsics.
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
#[macro_use]
mod lanes;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
#[macro_use]
mod lanes64;

mod allowed;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
mod avx2;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
mod avx2x64;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
mod avx512;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
mod avx512x64;
mod backend;
mod consts;
mod kernel;
mod pads;
mod plan;
mod portable;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
mod shani;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
mod shani256;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
mod shani_truncate;
#[cfg(all(feature = "std", not(miri)))]
mod timing;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
mod vec;
mod workload;

#[cfg(test)]
pub(crate) use backend::Backend;
pub use kernel::{Kernel, KernelUnavailable};
pub(crate) use pads::{Pads, MAX_LANES};
pub use plan::{force, plan, replan, KernelPlan, Origin};
pub(crate) use plan::{Costs, Plan};
pub use workload::Workload;

use pads::{counters, lane_counters, lane_keys, Keys};

/// Truncated HMAC-SHA-1 of `first + i` (wrapping) into `out[i]`, for one key.
pub(crate) fn sha1_run(plan: &Plan, pads: &Pads<[u32; 5]>, first: u64, out: &mut [u32]) {
    let mut start = first;
    for chunk in out.chunks_mut(MAX_LANES) {
        plan.backend(chunk.len())
            .sha1(Keys::Same(pads), &counters(start), chunk);
        start = start.wrapping_add(MAX_LANES as u64);
    }
}

/// Truncated HMAC-SHA-1 of `first + i` (wrapping) for `i < N`, for one key,
/// returned by value: a verification window of `N <= MAX_LANES` candidates.
#[inline]
pub(crate) fn sha1_window<const N: usize>(
    plan: &Plan,
    pads: &Pads<[u32; 5]>,
    first: u64,
) -> [u32; N] {
    plan.backend(N).sha1_window::<N>(pads, first)
}

/// Truncated HMAC-SHA-1 of `counters[i]` under `keys[i]` into `out[i]`, for the
/// first `out.len()` lanes (at most [`MAX_LANES`]).
pub(crate) fn sha1_lanes(plan: &Plan, keys: &[&Pads<[u32; 5]>], counters: &[u64], out: &mut [u32]) {
    if let Some(keys) = lane_keys(keys) {
        plan.backend(out.len())
            .sha1(Keys::Each(&keys), &lane_counters(counters), out);
    }
}

/// As [`sha1_run`], for HMAC-SHA-256.
pub(crate) fn sha256_run(plan: &Plan, pads: &Pads<[u32; 8]>, first: u64, out: &mut [u32]) {
    let mut start = first;
    for chunk in out.chunks_mut(MAX_LANES) {
        plan.backend(chunk.len())
            .sha256(Keys::Same(pads), &counters(start), chunk);
        start = start.wrapping_add(MAX_LANES as u64);
    }
}

/// As [`sha1_window`], for HMAC-SHA-256.
#[inline]
pub(crate) fn sha256_window<const N: usize>(
    plan: &Plan,
    pads: &Pads<[u32; 8]>,
    first: u64,
) -> [u32; N] {
    plan.backend(N).sha256_window::<N>(pads, first)
}

/// As [`sha1_lanes`], for HMAC-SHA-256.
pub(crate) fn sha256_lanes(
    plan: &Plan,
    keys: &[&Pads<[u32; 8]>],
    counters: &[u64],
    out: &mut [u32],
) {
    if let Some(keys) = lane_keys(keys) {
        plan.backend(out.len())
            .sha256(Keys::Each(&keys), &lane_counters(counters), out);
    }
}

/// As [`sha1_run`], for HMAC-SHA-512.
pub(crate) fn sha512_run(plan: &Plan, pads: &Pads<[u64; 8]>, first: u64, out: &mut [u32]) {
    let mut start = first;
    for chunk in out.chunks_mut(MAX_LANES) {
        plan.backend(chunk.len())
            .sha512(Keys::Same(pads), &counters(start), chunk);
        start = start.wrapping_add(MAX_LANES as u64);
    }
}

/// As [`sha1_window`], for HMAC-SHA-512.
#[inline]
pub(crate) fn sha512_window<const N: usize>(
    plan: &Plan,
    pads: &Pads<[u64; 8]>,
    first: u64,
) -> [u32; N] {
    plan.backend(N).sha512_window::<N>(pads, first)
}

/// As [`sha1_lanes`], for HMAC-SHA-512.
pub(crate) fn sha512_lanes(
    plan: &Plan,
    keys: &[&Pads<[u64; 8]>],
    counters: &[u64],
    out: &mut [u32],
) {
    if let Some(keys) = lane_keys(keys) {
        plan.backend(out.len())
            .sha512(Keys::Each(&keys), &lane_counters(counters), out);
    }
}

#[cfg(test)]
// Tests index fixed arrays and count with small integers.
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
pub(crate) mod tests;
