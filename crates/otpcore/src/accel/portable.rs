//! One code at a time through RustCrypto's compression functions (which pick
//! SHA-NI or their own SIMD code at run time). Used when the CPU has nothing
//! better, for lane counts too small for the vector kernels, off x86-64, and
//! when SIMD is compiled out (`--cfg otpcore_backend="soft"`, Miri).
//!
//! The chaining states copied out of [`Pads`] are key-equivalent until the
//! compression overwrites them, so each copy is a `Zeroizing` local, and so is
//! the outer block holding the inner digest. Best effort: the compiler may keep
//! further copies in registers or spilled stack slots, and the hash crates'
//! compression functions keep their own working state; neither can be wiped from
//! here, and no test can see the stack.

use zeroize::Zeroizing;

use crate::truncate::{dynamic_truncation, truncate_sha1, truncate_sha256};

use super::consts::{SHA1_INNER_BITS, SHA1_OUTER_BITS, SHA256_OUTER_BITS};
use super::pads::{Keys, Pads, MAX_LANES};

/// Truncated HMAC-SHA-1 of `counters[l]` under lane `l`'s key, for the first
/// `out.len()` lanes, one after the other.
pub(super) fn sha1(
    keys: Keys<'_, [u32; 5], MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
) {
    for ((key, counter), out) in keys.lanes().into_iter().zip(counters).zip(out) {
        *out = truncate_sha1(hmac_sha1(key, *counter));
    }
}

/// As [`sha1()`], for HMAC-SHA-256.
pub(super) fn sha256(
    keys: Keys<'_, [u32; 8], MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
) {
    for ((key, counter), out) in keys.lanes().into_iter().zip(counters).zip(out) {
        *out = truncate_sha256(hmac_sha256(key, *counter));
    }
}

/// As [`sha1()`], for HMAC-SHA-512.
pub(super) fn sha512(
    keys: Keys<'_, [u64; 8], MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
) {
    for ((key, counter), out) in keys.lanes().into_iter().zip(counters).zip(out) {
        let (words, last) = hmac_sha512(key, *counter);
        *out = dynamic_truncation(words, last);
    }
}

/// A 64-byte block: `words` big-endian, the rest zero, the bit length in the
/// last word (every message here is shorter than 2^32 bits).
fn block64(words: &[u32], bit_len: u32) -> [u8; 64] {
    let mut block = [0u8; 64];
    for (bytes, word) in block.chunks_exact_mut(4).zip(words) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    if let Some(last) = block.last_chunk_mut::<4>() {
        *last = bit_len.to_be_bytes();
    }
    block
}

/// The one-block inner message of HOTP: the counter and the padding bit.
#[allow(clippy::cast_possible_truncation)]
fn counter_words(counter: u64) -> [u32; 3] {
    [(counter >> 32) as u32, counter as u32, 0x8000_0000]
}

pub(super) fn hmac_sha1(pads: &Pads<[u32; 5]>, counter: u64) -> [u32; 5] {
    let mut inner = Zeroizing::new(pads.inner);
    let block = block64(&counter_words(counter), SHA1_INNER_BITS);
    sha1::block_api::compress(&mut inner, &[block]);
    let [a, b, c, d, e] = *inner;
    let mut outer = Zeroizing::new(pads.outer);
    let block = Zeroizing::new(block64(&[a, b, c, d, e, 0x8000_0000], SHA1_OUTER_BITS));
    sha1::block_api::compress(&mut outer, core::slice::from_ref(&*block));
    *outer
}

pub(super) fn hmac_sha256(pads: &Pads<[u32; 8]>, counter: u64) -> [u32; 8] {
    let mut inner = Zeroizing::new(pads.inner);
    let block = block64(&counter_words(counter), SHA1_INNER_BITS);
    sha2::block_api::compress256(&mut inner, &[block]);
    let [a, b, c, d, e, f, g, h] = *inner;
    let mut outer = Zeroizing::new(pads.outer);
    let block = Zeroizing::new(block64(
        &[a, b, c, d, e, f, g, h, 0x8000_0000],
        SHA256_OUTER_BITS,
    ));
    sha2::block_api::compress256(&mut outer, core::slice::from_ref(&*block));
    *outer
}

/// A 128-byte SHA-512 block: `words` big-endian, zeros, the bit length last.
fn block128(words: &[u64], bit_len: u64) -> [u8; 128] {
    let mut block = [0u8; 128];
    for (bytes, word) in block.chunks_exact_mut(8).zip(words) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    if let Some(last) = block.last_chunk_mut::<8>() {
        *last = bit_len.to_be_bytes();
    }
    block
}

/// HMAC-SHA-512, reduced to what truncation reads: the first five big-endian
/// 32-bit words and the last byte.
pub(super) fn hmac_sha512(pads: &Pads<[u64; 8]>, counter: u64) -> ([u32; 5], u8) {
    const PAD: u64 = 0x8000_0000_0000_0000;
    let mut inner = Zeroizing::new(pads.inner);
    sha2::block_api::compress512(&mut inner, &[block128(&[counter, PAD], (128 + 8) * 8)]);
    let [a, b, c, d, e, f, g, h] = *inner;
    let mut outer = Zeroizing::new(pads.outer);
    let block = Zeroizing::new(block128(&[a, b, c, d, e, f, g, h, PAD], (128 + 64) * 8));
    sha2::block_api::compress512(&mut outer, core::slice::from_ref(&*block));
    let [h0, h1, h2, _, _, _, _, h7] = *outer;
    #[allow(clippy::cast_possible_truncation)]
    let words = [
        (h0 >> 32) as u32,
        h0 as u32,
        (h1 >> 32) as u32,
        h1 as u32,
        (h2 >> 32) as u32,
    ];
    #[allow(clippy::cast_possible_truncation)]
    (words, h7 as u8)
}
