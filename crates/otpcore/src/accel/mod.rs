//! Running HMAC for many codes at once: the candidates of a verification window
//! and the codes of a batch.
//!
//! Every function here takes *lanes*: a keyed state and a counter each, and writes
//! each lane's truncated MAC (RFC 4226 §5.3 `DT`). Lanes are independent, so the
//! backends can interleave them:
//! - `avx512` / `avx2`: sixteen / eight lanes of SHA-1 or SHA-256 side by side in
//!   vector registers (multi-buffer hashing, `lanes`);
//! - `shani` / `shani256`: SHA-1 / SHA-256 with the x86 SHA extensions, up to four
//!   lanes in lock-step;
//! - `portable`: one lane at a time through RustCrypto's compression functions.
//!
//! Selection (in `x86`, by lane count) is by run-time CPU detection, which needs
//! `std` on x86-64; every other build uses `portable`. All backends compute the
//! same values (tested against each other and against the `hmac` crate).
//!
//! # Security
//! The work done depends only on the number of lanes, never on the keys, the
//! counters or the results: no backend branches on or indexes by secret data.

use zeroize::Zeroize;

use crate::mac::Pads;

#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[macro_use]
mod lanes;

#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod avx2;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod avx512;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[allow(unsafe_code)]
mod dispatch;
mod portable;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod shani;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod shani256;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod x86;

/// The most lanes one call computes at a time.
pub(crate) const MAX_LANES: usize = 16;

/// Bit length of the inner message: the key block and the 8-byte counter.
const SHA1_INNER_BITS: u32 = (64 + 8) * 8;
/// Bit length of the outer message: the key block and a SHA-1 digest.
const SHA1_OUTER_BITS: u32 = (64 + 20) * 8;
/// Bit length of the outer message: the key block and a SHA-256 digest.
const SHA256_OUTER_BITS: u32 = (64 + 32) * 8;

/// The SHA-256 round constants, FIPS 180-4 §4.2.2.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
const SHA256_K: [u32; 64] = [
    0x428a_2f98,
    0x7137_4491,
    0xb5c0_fbcf,
    0xe9b5_dba5,
    0x3956_c25b,
    0x59f1_11f1,
    0x923f_82a4,
    0xab1c_5ed5,
    0xd807_aa98,
    0x1283_5b01,
    0x2431_85be,
    0x550c_7dc3,
    0x72be_5d74,
    0x80de_b1fe,
    0x9bdc_06a7,
    0xc19b_f174,
    0xe49b_69c1,
    0xefbe_4786,
    0x0fc1_9dc6,
    0x240c_a1cc,
    0x2de9_2c6f,
    0x4a74_84aa,
    0x5cb0_a9dc,
    0x76f9_88da,
    0x983e_5152,
    0xa831_c66d,
    0xb003_27c8,
    0xbf59_7fc7,
    0xc6e0_0bf3,
    0xd5a7_9147,
    0x06ca_6351,
    0x1429_2967,
    0x27b7_0a85,
    0x2e1b_2138,
    0x4d2c_6dfc,
    0x5338_0d13,
    0x650a_7354,
    0x766a_0abb,
    0x81c2_c92e,
    0x9272_2c85,
    0xa2bf_e8a1,
    0xa81a_664b,
    0xc24b_8b70,
    0xc76c_51a3,
    0xd192_e819,
    0xd699_0624,
    0xf40e_3585,
    0x106a_a070,
    0x19a4_c116,
    0x1e37_6c08,
    0x2748_774c,
    0x34b0_bcb5,
    0x391c_0cb3,
    0x4ed8_aa4a,
    0x5b9c_ca4f,
    0x682e_6ff3,
    0x748f_82ee,
    0x78a5_636f,
    0x84c8_7814,
    0x8cc7_0208,
    0x90be_fffa,
    0xa450_6ceb,
    0xbef9_a3f7,
    0xc671_78f2,
];

/// Whose pad states the lanes use.
#[derive(Clone, Copy)]
pub(crate) enum Keys<'a, S: Zeroize, const L: usize> {
    /// One key for every lane (the steps of a verification window).
    Same(&'a Pads<S>),
    /// Lane `l` uses `keys[l]` (a batch over many credentials).
    Each(&'a [&'a Pads<S>; L]),
}

impl<'a, S: Zeroize, const L: usize> Keys<'a, S, L> {
    /// Lane `lane`'s key, if there is such a lane.
    fn lane(&self, lane: usize) -> Option<&'a Pads<S>> {
        match *self {
            Keys::Same(key) => Some(key),
            Keys::Each(keys) => keys.get(lane).copied(),
        }
    }

    /// The keys of lanes `start..start + N`, if they exist.
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    fn sub<const N: usize>(&self, start: usize) -> Option<Keys<'a, S, N>> {
        match *self {
            Keys::Same(key) => Some(Keys::Same(key)),
            Keys::Each(keys) => keys.get(start..)?.first_chunk::<N>().map(Keys::Each),
        }
    }

    /// One of the two pad states of every lane.
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    fn states(&self, pick: impl Fn(&'a Pads<S>) -> &'a S) -> [&'a S; L] {
        match *self {
            Keys::Same(key) => [pick(key); L],
            Keys::Each(keys) => keys.map(pick),
        }
    }
}

/// `first`, `first + 1`, … (wrapping) for a run of steps.
fn counters(first: u64) -> [u64; MAX_LANES] {
    let mut out = [first; MAX_LANES];
    for (c, i) in out.iter_mut().zip(0u64..) {
        *c = first.wrapping_add(i);
    }
    out
}

/// The counters in a full lane array (unused lanes 0).
fn lane_counters(counters: &[u64]) -> [u64; MAX_LANES] {
    let mut out = [0u64; MAX_LANES];
    for (o, c) in out.iter_mut().zip(counters) {
        *o = *c;
    }
    out
}

/// The keys in a full lane array (unused lanes repeat the first); `None` if
/// there are none.
fn lane_keys<'a, S: Zeroize>(keys: &[&'a Pads<S>]) -> Option<[&'a Pads<S>; MAX_LANES]> {
    let first = keys.first()?;
    let mut out = [*first; MAX_LANES];
    for (o, k) in out.iter_mut().zip(keys) {
        *o = k;
    }
    Some(out)
}

/// Truncated HMAC-SHA-1 of `first + i` (wrapping) into `out[i]`, for one key.
pub(crate) fn sha1_run(pads: &Pads<[u32; 5]>, first: u64, out: &mut [u32]) {
    let mut start = first;
    for chunk in out.chunks_mut(MAX_LANES) {
        sha1_group(Keys::Same(pads), &counters(start), chunk);
        start = start.wrapping_add(MAX_LANES as u64);
    }
}

/// Truncated HMAC-SHA-1 of `counters[i]` under `keys[i]` into `out[i]`, for the
/// first `out.len()` lanes (at most [`MAX_LANES`]).
pub(crate) fn sha1_lanes(keys: &[&Pads<[u32; 5]>], counters: &[u64], out: &mut [u32]) {
    if let Some(keys) = lane_keys(keys) {
        sha1_group(Keys::Each(&keys), &lane_counters(counters), out);
    }
}

/// As [`sha1_run`], for HMAC-SHA-256.
pub(crate) fn sha256_run(pads: &Pads<[u32; 8]>, first: u64, out: &mut [u32]) {
    let mut start = first;
    for chunk in out.chunks_mut(MAX_LANES) {
        sha256_group(Keys::Same(pads), &counters(start), chunk);
        start = start.wrapping_add(MAX_LANES as u64);
    }
}

/// As [`sha1_lanes`], for HMAC-SHA-256.
pub(crate) fn sha256_lanes(keys: &[&Pads<[u32; 8]>], counters: &[u64], out: &mut [u32]) {
    if let Some(keys) = lane_keys(keys) {
        sha256_group(Keys::Each(&keys), &lane_counters(counters), out);
    }
}

/// As [`sha1_run`], for HMAC-SHA-512 (one lane at a time: RustCrypto's own
/// SHA-512 is already vectorised inside one compression).
pub(crate) fn sha512_run(pads: &Pads<[u64; 8]>, first: u64, out: &mut [u32]) {
    for (out, counter) in out.iter_mut().zip(0u64..) {
        let (words, last) = portable::hmac_sha512(pads, first.wrapping_add(counter));
        *out = crate::truncate::dynamic_truncation(words, last);
    }
}

/// The first `out.len()` lanes of a group of HMAC-SHA-1s, by the best backend.
fn sha1_group(keys: Keys<'_, [u32; 5], MAX_LANES>, counters: &[u64; MAX_LANES], out: &mut [u32]) {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if x86::sha1(keys, counters, out) {
        return;
    }
    for ((lane, counter), out) in (0..).zip(counters).zip(out) {
        if let Some(key) = keys.lane(lane) {
            *out = portable::truncate_sha1(portable::hmac_sha1(key, *counter));
        }
    }
}

/// The first `out.len()` lanes of a group of HMAC-SHA-256s, by the best backend.
fn sha256_group(keys: Keys<'_, [u32; 8], MAX_LANES>, counters: &[u64; MAX_LANES], out: &mut [u32]) {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if x86::sha256(keys, counters, out) {
        return;
    }
    for ((lane, counter), out) in (0..).zip(counters).zip(out) {
        if let Some(key) = keys.lane(lane) {
            *out = portable::truncate_sha256(portable::hmac_sha256(key, *counter));
        }
    }
}

#[cfg(test)]
// Tests index fixed arrays and count with small integers.
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
mod tests;
