//! HMAC-SHA-1 with the x86 SHA extensions, up to four codes interleaved.
//!
//! One SHA-1 compression is a chain of twenty `sha1rnds4` instructions, each
//! waiting for the previous one: a single code is bound by their latency, not by
//! the execution units. The candidates of a verification window (or the codes of
//! a batch) are independent, so this kernel runs `N` of them in lock-step,
//! round by round, and the CPU overlaps the `N` chains: on a Zen 5 core four
//! interleaved HMACs take about 2.3 times as long as one, not four times.
//!
//! The instruction sequence follows RustCrypto's `sha1` x86 backend (the same
//! round and message-schedule macros), with every step applied to `N` streams.
//! Safe code: the intrinsics are safe inside a function compiled for their target
//! features; only the call into such a function needs the CPU check, which
//! `super::backend` holds. Leaf module: it imports lane types, constants and
//! truncation, nothing of its callers.
//!
//! # Security
//! Constant time by construction: a fixed sequence of instructions for any key,
//! counter and result — no branch on data, no memory access at a data-dependent
//! address, no division. The pad states are read into registers, never copied
//! to a buffer of ours (register spills are the compiler's, as everywhere).

// `s` below is always a loop counter under the const `N`, the length of every
// array it indexes: the bounds checks are statically dead.
#![allow(clippy::indexing_slicing)]

use core::arch::x86_64::{
    __m128i, _mm_add_epi32, _mm_or_si128, _mm_set_epi32, _mm_setzero_si128, _mm_sha1msg1_epu32,
    _mm_sha1msg2_epu32, _mm_sha1nexte_epu32, _mm_sha1rnds4_epu32, _mm_xor_si128,
};

use super::consts::{SHA1_INNER_BITS, SHA1_OUTER_BITS};
use super::pads::{first_lanes, run_counters, Keys, Pads, MAX_LANES};
use super::shani_truncate::{broadcast_byte, truncate};

/// The bits of a `u32` as the `i32` the intrinsics take.
#[allow(clippy::cast_possible_wrap)]
const fn bits(x: u32) -> i32 {
    x as i32
}

/// `y = sha1rnds4(x, sha1nexte(y, w), K)` for every stream: four rounds.
macro_rules! rounds4 {
    ($n:ident, $x:ident, $y:ident, $w:ident, $k:literal) => {
        for s in 0..$n {
            $y[s] = _mm_sha1rnds4_epu32($x[s], _mm_sha1nexte_epu32($y[s], $w[s]), $k);
        }
    };
}

/// Four more message words from the previous sixteen, then four rounds.
macro_rules! schedule_rounds4 {
    ($n:ident, $x:ident, $y:ident, $w0:ident, $w1:ident, $w2:ident, $w3:ident, $w4:ident, $k:literal) => {
        for s in 0..$n {
            $w4[s] = _mm_sha1msg2_epu32(
                _mm_xor_si128(_mm_sha1msg1_epu32($w0[s], $w1[s]), $w2[s]),
                $w3[s],
            );
        }
        rounds4!($n, $x, $y, $w4, $k);
    };
}

/// One SHA-1 compression of one block per stream. `abcd` holds `a` in the top
/// lane (the layout `sha1rnds4` uses), `e` holds `e` in the top lane and zeros
/// below; `block[s]` is the message as four vectors of big-endian words, first
/// word in the top lane. Evaluates to the new `(abcd, e)`, same layout.
///
/// A macro, not a function: `#[inline(always)]` is not allowed with
/// `#[target_feature]`, and as a call the compressions passed their states and
/// blocks through the stack (README.md, "Close to the limit", seventh session).
/// It expects the number of streams as a const `N` where it is expanded.
macro_rules! compress {
    ($abcd:expr, $e:expr, $block:expr) => {{
        let (abcd, e, block): ([__m128i; N], [__m128i; N], [[__m128i; 4]; N]) =
            ($abcd, $e, $block);
        let zero = _mm_setzero_si128();
        let mut w0 = [zero; N];
        let mut w1 = [zero; N];
        let mut w2 = [zero; N];
        let mut w3 = [zero; N];
        let mut w4 = [zero; N];
        for s in 0..N {
            [w0[s], w1[s], w2[s], w3[s]] = block[s];
        }
        let mut h0 = abcd;
        let mut h1 = [zero; N];
        for s in 0..N {
            h1[s] = _mm_sha1rnds4_epu32(h0[s], _mm_add_epi32(e[s], w0[s]), 0);
        }
        // Rounds 0..20
        rounds4!(N, h1, h0, w1, 0);
        rounds4!(N, h0, h1, w2, 0);
        rounds4!(N, h1, h0, w3, 0);
        schedule_rounds4!(N, h0, h1, w0, w1, w2, w3, w4, 0);
        // Rounds 20..40
        schedule_rounds4!(N, h1, h0, w1, w2, w3, w4, w0, 1);
        schedule_rounds4!(N, h0, h1, w2, w3, w4, w0, w1, 1);
        schedule_rounds4!(N, h1, h0, w3, w4, w0, w1, w2, 1);
        schedule_rounds4!(N, h0, h1, w4, w0, w1, w2, w3, 1);
        schedule_rounds4!(N, h1, h0, w0, w1, w2, w3, w4, 1);
        // Rounds 40..60
        schedule_rounds4!(N, h0, h1, w1, w2, w3, w4, w0, 2);
        schedule_rounds4!(N, h1, h0, w2, w3, w4, w0, w1, 2);
        schedule_rounds4!(N, h0, h1, w3, w4, w0, w1, w2, 2);
        schedule_rounds4!(N, h1, h0, w4, w0, w1, w2, w3, 2);
        schedule_rounds4!(N, h0, h1, w0, w1, w2, w3, w4, 2);
        // Rounds 60..80
        schedule_rounds4!(N, h1, h0, w1, w2, w3, w4, w0, 3);
        schedule_rounds4!(N, h0, h1, w2, w3, w4, w0, w1, 3);
        schedule_rounds4!(N, h1, h0, w3, w4, w0, w1, w2, 3);
        schedule_rounds4!(N, h0, h1, w4, w0, w1, w2, w3, 3);
        schedule_rounds4!(N, h1, h0, w0, w1, w2, w3, w4, 3);

        let mut out_abcd = [zero; N];
        let mut out_e = [zero; N];
        for s in 0..N {
            out_abcd[s] = _mm_add_epi32(abcd[s], h0[s]);
            // `sha1nexte` adds into the top lane and passes the lower three lanes of
            // its second operand (zeros) through.
            out_e[s] = _mm_sha1nexte_epu32(h1[s], e[s]);
        }
        (out_abcd, out_e)

    }};
}

#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn load(state: &[u32; 5]) -> (__m128i, __m128i) {
    let [a, b, c, d, e] = *state;
    (
        _mm_set_epi32(bits(a), bits(b), bits(c), bits(d)),
        _mm_set_epi32(bits(e), 0, 0, 0),
    )
}

/// HMAC-SHA-1 of the big-endian `counters[s]` under the key whose pad states
/// `inner(s)`, `outer(s)` [`load`]: the MAC as the `(abcd, e)` vectors of the
/// last compression, for each stream. Loads, not references: a window's
/// streams share one key, and `|_| load(&pads.inner)` is loaded once for all of
/// them (the compiler sees the same address); a batch chunk's streams each load
/// their own.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn hmac_sha1<const N: usize>(
    inner: impl Fn(usize) -> (__m128i, __m128i),
    outer: impl Fn(usize) -> (__m128i, __m128i),
    counters: [u64; N],
) -> [(__m128i, __m128i); N] {
    let zero = _mm_setzero_si128();
    let pad_bit = bits(0x8000_0000);
    let mut abcd = [zero; N];
    let mut e = [zero; N];
    let mut block = [[zero; 4]; N];

    // Inner block: the counter, the 0x80 padding byte, zeros, the bit length.
    for s in 0..N {
        (abcd[s], e[s]) = inner(s);
        #[allow(clippy::cast_possible_truncation)]
        let (hi, lo) = ((counters[s] >> 32) as u32, counters[s] as u32);
        block[s] = [
            _mm_set_epi32(bits(hi), bits(lo), pad_bit, 0),
            zero,
            zero,
            _mm_set_epi32(0, 0, 0, bits(SHA1_INNER_BITS)),
        ];
    }
    let (digest_abcd, digest_e) = compress!(abcd, e, block);

    // Outer block: the inner digest, which the state layout already holds in
    // message order (a in the top lane; e in the top lane over zeros), then padding.
    for s in 0..N {
        (abcd[s], e[s]) = outer(s);
        block[s] = [
            digest_abcd[s],
            _mm_or_si128(digest_e[s], _mm_set_epi32(0, pad_bit, 0, 0)),
            zero,
            _mm_set_epi32(0, 0, 0, bits(SHA1_OUTER_BITS)),
        ];
    }
    let (mac_abcd, mac_e) = compress!(abcd, e, block);

    core::array::from_fn(|s| (mac_abcd[s], mac_e[s]))
}

/// `DT` of one stream's MAC as [`hmac_sha1`] leaves it: its first sixteen
/// bytes are `abcd` from the top byte down, the last four the top lane of `e`,
/// whose lowest byte (vector byte 12) is the MAC's last.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn truncated((abcd, e): (__m128i, __m128i)) -> u32 {
    truncate(abcd, e, broadcast_byte::<12>(e))
}

/// Truncated HMAC-SHA-1 of `counters[l]` under lane `l`'s key, for the first
/// `out.len()` lanes: four interleaved streams at a time, the last chunk with as
/// many streams as lanes are left.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) fn sha1(
    keys: Keys<'_, [u32; 5], MAX_LANES>,
    counters: &[u64; MAX_LANES],
    out: &mut [u32],
) {
    let (counters, _) = counters.as_chunks::<4>();
    for ((keys, counters), out) in keys.parts::<4>().zip(counters).zip(out.chunks_mut(4)) {
        let inner = keys.lanes().map(|k| &k.inner);
        let outer = keys.lanes().map(|k| &k.outer);
        // The number of lanes is public (window or batch size): one fixed
        // instruction sequence per count, chosen here, never by the data.
        match out.len() {
            1 => streams::<1>(inner, outer, *counters, out),
            2 => streams::<2>(inner, outer, *counters, out),
            3 => streams::<3>(inner, outer, *counters, out),
            _ => streams::<4>(inner, outer, *counters, out),
        }
    }
}

/// Truncated HMAC-SHA-1 of the `N` counters from `first` (wrapping) under one
/// key, `N` from 1 to 4: the candidates of a verification window, straight from
/// the pad states into the returned values, without the lane arrays and the
/// chunk loop of [`sha1()`] (README, "Close to the limit").
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) fn window<const N: usize>(pads: &Pads<[u32; 5]>, first: u64) -> [u32; N] {
    // One key for every stream.
    hmac_sha1::<N>(
        |_| load(&pads.inner),
        |_| load(&pads.outer),
        run_counters(first),
    )
    .map(|mac| truncated(mac))
}

/// [`hmac_sha1`] on the first `N` streams of a four-lane chunk, truncated into
/// `out`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn streams<const N: usize>(
    inner: [&[u32; 5]; 4],
    outer: [&[u32; 5]; 4],
    counters: [u64; 4],
    out: &mut [u32],
) {
    let macs = hmac_sha1::<N>(
        |s| load(inner[s]),
        |s| load(outer[s]),
        first_lanes(counters),
    );
    for (out, mac) in out.iter_mut().zip(macs) {
        *out = truncated(mac);
    }
}
