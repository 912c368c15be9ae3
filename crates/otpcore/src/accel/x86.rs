//! Choosing among the x86-64 backends by lane count and CPU, and feeding them.

use zeroize::Zeroize;

use super::{dispatch, portable, Keys, MAX_LANES};

// Backend choice by lane count, measured on a Zen 5 core (SHA-NI, AVX-512F): the
// vector kernels always compute all their lanes, so they pay off only from some
// number of real lanes on. On other CPUs these are reasonable, not tuned.
/// Lanes from which SHA-1 takes the 16-lane AVX-512 kernel over 4-way SHA-NI.
const SHA1_AVX512_MIN: usize = 8;
/// Lanes from which SHA-1 takes the 8-lane AVX2 kernel when there is no SHA-NI.
const SHA1_AVX2_MIN: usize = 3;
/// Lanes from which SHA-256 takes the 16-lane AVX-512 kernel over 4-way SHA-NI.
const SHA256_AVX512_MIN: usize = 9;
/// Lanes from which SHA-256 takes the 8-lane AVX2 kernel when there is no SHA-NI.
const SHA256_AVX2_MIN: usize = 3;

/// The first `out.len()` lanes of a group of HMAC-SHA-1s with the best x86
/// backend the CPU has; `false` if it has none (the caller goes portable).
pub(super) fn sha1(
    keys: Keys<'_, [u32; 5], MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
) -> bool {
    if out.len() >= SHA1_AVX512_MIN {
        if let Some(values) = dispatch::avx512_hmac_sha1(keys, counters) {
            copy_lanes(&values, out);
            return true;
        }
    }
    shani_sha1(keys, counters, out)
        || (out.len() >= SHA1_AVX2_MIN && avx2_group(keys, counters, out, dispatch::avx2_hmac_sha1))
}

/// As [`sha1`], for HMAC-SHA-256.
pub(super) fn sha256(
    keys: Keys<'_, [u32; 8], MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
) -> bool {
    if out.len() >= SHA256_AVX512_MIN {
        if let Some(values) = dispatch::avx512_hmac_sha256(keys, counters) {
            copy_lanes(&values, out);
            return true;
        }
    }
    shani_sha256(keys, counters, out)
        || (out.len() >= SHA256_AVX2_MIN
            && avx2_group(keys, counters, out, dispatch::avx2_hmac_sha256))
}

#[inline]
fn copy_lanes(values: &[u32], out: &mut [u32]) {
    for (o, v) in out.iter_mut().zip(values) {
        *o = *v;
    }
}

/// A 16-lane group as two 8-lane AVX2 halves (the second only if needed);
/// `false` if the CPU lacks AVX2.
fn avx2_group<S: Zeroize>(
    keys: Keys<'_, S, MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
    kernel: impl Fn(Keys<'_, S, 8>, &[u64; 8]) -> Option<[u32; 8]>,
) -> bool {
    for (start, out) in (0usize..).step_by(8).zip(out.chunks_mut(8)) {
        let half = counters.get(start..).and_then(<[u64]>::first_chunk::<8>);
        let (Some(half_keys), Some(half_counters)) = (keys.sub::<8>(start), half) else {
            return false;
        };
        match kernel(half_keys, half_counters) {
            Some(values) => copy_lanes(&values, out),
            None => return false,
        }
    }
    true
}

/// [`sha1_group`] with SHA-NI, four lanes at a time; `false` if the CPU lacks it.
#[inline]
fn shani_sha1(
    keys: Keys<'_, [u32; 5], MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
) -> bool {
    for ((start, counters), out) in (0usize..)
        .step_by(4)
        .zip(counters.chunks(4))
        .zip(out.chunks_mut(4))
    {
        let done = match out.len() {
            1 => shani_streams::<1>(keys, start, counters, out),
            2 => shani_streams::<2>(keys, start, counters, out),
            3 => shani_streams::<3>(keys, start, counters, out),
            _ => shani_streams::<4>(keys, start, counters, out),
        };
        if !done {
            return false;
        }
    }
    true
}

#[inline]
fn shani_streams<const N: usize>(
    keys: Keys<'_, [u32; 5], MAX_LANES>,
    start: usize,
    counters: &[u64],
    out: &mut [u32],
) -> bool {
    let (Some(counters), Some(keys)) = (counters.first_chunk::<N>(), keys.sub::<N>(start)) else {
        return false;
    };
    let inner = keys.states(|k| &k.inner);
    let outer = keys.states(|k| &k.outer);
    match dispatch::shani_hmac_sha1::<N>(inner, outer, *counters) {
        Some(macs) => {
            for (out, mac) in out.iter_mut().zip(macs) {
                *out = portable::truncate_sha1(mac);
            }
            true
        }
        None => false,
    }
}

/// [`sha256_group`] with SHA-NI, four lanes at a time; `false` if the CPU lacks it.
#[inline]
fn shani_sha256(
    keys: Keys<'_, [u32; 8], MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
) -> bool {
    for ((start, counters), out) in (0usize..)
        .step_by(4)
        .zip(counters.chunks(4))
        .zip(out.chunks_mut(4))
    {
        let done = match out.len() {
            1 => shani256_streams::<1>(keys, start, counters, out),
            2 => shani256_streams::<2>(keys, start, counters, out),
            3 => shani256_streams::<3>(keys, start, counters, out),
            _ => shani256_streams::<4>(keys, start, counters, out),
        };
        if !done {
            return false;
        }
    }
    true
}

#[inline]
fn shani256_streams<const N: usize>(
    keys: Keys<'_, [u32; 8], MAX_LANES>,
    start: usize,
    counters: &[u64],
    out: &mut [u32],
) -> bool {
    let (Some(counters), Some(keys)) = (counters.first_chunk::<N>(), keys.sub::<N>(start)) else {
        return false;
    };
    let inner = keys.states(|k| &k.inner);
    let outer = keys.states(|k| &k.outer);
    match dispatch::shani_hmac_sha256::<N>(inner, outer, *counters) {
        Some(macs) => {
            for (out, mac) in out.iter_mut().zip(macs) {
                *out = portable::truncate_sha256(mac);
            }
            true
        }
        None => false,
    }
}
