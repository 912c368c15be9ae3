//! HMAC-SHA-256 with the x86 SHA extensions, up to four codes interleaved.
//!
//! The same idea as `shani` for SHA-1: `sha256rnds2` is a long dependency chain,
//! so independent codes run in lock-step and the CPU overlaps them. The round and
//! schedule sequence follows RustCrypto's `sha2` x86 backend, applied to `N`
//! streams at each step. Safe code inside `#[target_feature]` functions; the CPU
//! check is in `super::backend`. Leaf module, as `shani`.
//!
//! # Security
//! Constant time by construction: a fixed sequence of instructions for any key,
//! counter and result — no branch on data, no memory access at a data-dependent
//! address, no division. The pad states are read into registers, never copied
//! to a buffer of ours (register spills are the compiler's, as everywhere).

// `s` is always a loop counter under the const `N`, the length of every array it
// indexes; `r` indexes the 64-entry constant table with `4 * r + 3 < 64`.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use core::arch::x86_64::{
    __m128i, _mm_add_epi32, _mm_alignr_epi8, _mm_extract_epi32, _mm_set_epi32, _mm_setzero_si128,
    _mm_sha256msg1_epu32, _mm_sha256msg2_epu32, _mm_sha256rnds2_epu32, _mm_shuffle_epi32,
    _mm_slli_si128, _mm_unpackhi_epi64,
};

use super::consts::{SHA1_INNER_BITS, SHA256_K, SHA256_OUTER_BITS};
use super::pads::{first_lanes, run_counters, Keys, Pads, MAX_LANES};
use super::shani_truncate::{broadcast_byte, truncate};

/// The bits of a `u32` as the `i32` the intrinsics take.
#[allow(clippy::cast_possible_wrap)]
const fn bits(x: u32) -> i32 {
    x as i32
}

/// The `u32` bits of an `i32` lane.
#[allow(clippy::cast_sign_loss)]
const fn word(x: i32) -> u32 {
    x as u32
}

/// Rounds `4r .. 4r + 4` on every stream, with message words `w[s]`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn rounds4<const N: usize>(
    r: usize,
    abef: &mut [__m128i; N],
    cdgh: &mut [__m128i; N],
    w: &[__m128i; N],
) {
    let k = _mm_set_epi32(
        bits(SHA256_K[4 * r + 3]),
        bits(SHA256_K[4 * r + 2]),
        bits(SHA256_K[4 * r + 1]),
        bits(SHA256_K[4 * r]),
    );
    let mut wk = [k; N];
    for s in 0..N {
        wk[s] = _mm_add_epi32(w[s], k);
    }
    for s in 0..N {
        cdgh[s] = _mm_sha256rnds2_epu32(cdgh[s], abef[s], wk[s]);
    }
    for wk in wk.iter_mut() {
        *wk = _mm_shuffle_epi32::<0x0e>(*wk);
    }
    for s in 0..N {
        abef[s] = _mm_sha256rnds2_epu32(abef[s], cdgh[s], wk[s]);
    }
}

/// One compression per stream. `abef`/`cdgh` are the state in the layout
/// `sha256rnds2` uses (`a` in the top lane of `abef`, `c` in the top lane of
/// `cdgh`); `w[i][s]` holds message words `4i .. 4i + 4` of stream `s`, first in
/// the bottom lane. Evaluates to the new state, same layout.
///
/// A macro for the reason `super::shani`'s `compress!` is one: as a call, the
/// states and blocks went through the stack. It expects the number of streams
/// as a const `N` where it is expanded.
macro_rules! compress {
    ($abef:expr, $cdgh:expr, $w:expr) => {{
        let (abef, cdgh, mut w): ([__m128i; N], [__m128i; N], [[__m128i; N]; 4]) =
            ($abef, $cdgh, $w);
        let (mut x, mut y) = (abef, cdgh);
        for (r, w) in w.iter().enumerate() {
            rounds4(r, &mut x, &mut y, w);
        }
        for r in (4..16).step_by(4) {
            for i in 0..4 {
                // Stream `s` of four different message vectors: an index reads best.
                #[allow(clippy::needless_range_loop)]
                for s in 0..N {
                    let t1 = _mm_sha256msg1_epu32(w[i][s], w[(i + 1) % 4][s]);
                    let t2 = _mm_alignr_epi8::<4>(w[(i + 3) % 4][s], w[(i + 2) % 4][s]);
                    w[i][s] = _mm_sha256msg2_epu32(_mm_add_epi32(t1, t2), w[(i + 3) % 4][s]);
                }
                rounds4(r + i, &mut x, &mut y, &w[i]);
            }
        }
        for s in 0..N {
            x[s] = _mm_add_epi32(x[s], abef[s]);
            y[s] = _mm_add_epi32(y[s], cdgh[s]);
        }
        (x, y)
    }};
}

#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn load(state: &[u32; 8]) -> (__m128i, __m128i) {
    let [a, b, c, d, e, f, g, h] = *state;
    (
        _mm_set_epi32(bits(a), bits(b), bits(e), bits(f)),
        _mm_set_epi32(bits(c), bits(d), bits(g), bits(h)),
    )
}

/// The eight state words from the `abef`/`cdgh` layout.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn words(abef: __m128i, cdgh: __m128i) -> [u32; 8] {
    [
        word(_mm_extract_epi32::<3>(abef)),
        word(_mm_extract_epi32::<2>(abef)),
        word(_mm_extract_epi32::<3>(cdgh)),
        word(_mm_extract_epi32::<2>(cdgh)),
        word(_mm_extract_epi32::<1>(abef)),
        word(_mm_extract_epi32::<0>(abef)),
        word(_mm_extract_epi32::<1>(cdgh)),
        word(_mm_extract_epi32::<0>(cdgh)),
    ]
}

/// HMAC-SHA-256 of the big-endian `counters[s]` under the key whose pad states
/// `inner(s)`, `outer(s)` [`load`]: the MAC as the `(abef, cdgh)` vectors of
/// the last compression, for each stream (one key for a window's streams, one
/// each in a batch chunk: as [`super::shani`]'s `hmac_sha1`).
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn hmac_sha256<const N: usize>(
    inner: impl Fn(usize) -> (__m128i, __m128i),
    outer: impl Fn(usize) -> (__m128i, __m128i),
    counters: [u64; N],
) -> [(__m128i, __m128i); N] {
    let zero = _mm_setzero_si128();
    let pad = bits(0x8000_0000);
    let mut abef = [zero; N];
    let mut cdgh = [zero; N];
    let mut w = [[zero; N]; 4];

    // Inner block: the counter, the 0x80 padding byte, zeros, the bit length.
    for s in 0..N {
        (abef[s], cdgh[s]) = inner(s);
        #[allow(clippy::cast_possible_truncation)]
        let (hi, lo) = ((counters[s] >> 32) as u32, counters[s] as u32);
        w[0][s] = _mm_set_epi32(0, pad, bits(lo), bits(hi));
        w[3][s] = _mm_set_epi32(bits(SHA1_INNER_BITS), 0, 0, 0);
    }
    let (x, y) = compress!(abef, cdgh, w);

    // Outer block: the inner digest, then padding.
    let mut w = [[zero; N]; 4];
    for s in 0..N {
        let [a, b, c, d, e, f, g, h] = words(x[s], y[s]);
        w[0][s] = _mm_set_epi32(bits(d), bits(c), bits(b), bits(a));
        w[1][s] = _mm_set_epi32(bits(h), bits(g), bits(f), bits(e));
        w[2][s] = _mm_set_epi32(0, 0, 0, pad);
        w[3][s] = _mm_set_epi32(bits(SHA256_OUTER_BITS), 0, 0, 0);
        (abef[s], cdgh[s]) = outer(s);
    }
    let (x, y) = compress!(abef, cdgh, w);
    core::array::from_fn(|s| (x[s], y[s]))
}

/// `DT` of one stream's MAC as [`hmac_sha256`] leaves it, `abef` and `cdgh`:
/// `DT` reads no further than byte 18, words `a` to `e`. The high halves of
/// `cdgh` and `abef` together are `a b c d` from the top byte down, `abef`
/// moved up by eight bytes has `e` in its top lane, and the MAC's last byte is
/// the lowest byte of `h`, vector byte 0 of `cdgh` (`super::shani_truncate`).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn truncated((abef, cdgh): (__m128i, __m128i)) -> u32 {
    truncate(
        _mm_unpackhi_epi64(cdgh, abef),
        _mm_slli_si128::<8>(abef),
        broadcast_byte::<0>(cdgh),
    )
}

/// Truncated HMAC-SHA-256 of `counters[l]` under lane `l`'s key, for the first
/// `out.len()` lanes: four interleaved streams at a time, the last chunk with as
/// many streams as lanes are left.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) fn sha256(
    keys: Keys<'_, [u32; 8], MAX_LANES>,
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

/// As [`super::shani::window`], for HMAC-SHA-256.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) fn window<const N: usize>(pads: &Pads<[u32; 8]>, first: u64) -> [u32; N] {
    // One key for every stream.
    hmac_sha256::<N>(
        |_| load(&pads.inner),
        |_| load(&pads.outer),
        run_counters(first),
    )
    .map(|mac| truncated(mac))
}

/// [`hmac_sha256`] on the first `N` streams of a four-lane chunk, truncated into
/// `out`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn streams<const N: usize>(
    inner: [&[u32; 8]; 4],
    outer: [&[u32; 8]; 4],
    counters: [u64; 4],
    out: &mut [u32],
) {
    let macs = hmac_sha256::<N>(
        |s| load(inner[s]),
        |s| load(outer[s]),
        first_lanes(counters),
    );
    for (out, mac) in out.iter_mut().zip(macs) {
        *out = truncated(mac);
    }
}
