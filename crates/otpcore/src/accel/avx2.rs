//! Eight lanes of SHA-1 / SHA-256 in AVX2 registers (see `lanes`).

// Indices are constants (unrolled rounds) or counters below a const array length.
#![allow(clippy::indexing_slicing)]

use core::arch::x86_64::{
    __m256i, _mm256_add_epi32, _mm256_and_si256, _mm256_andnot_si256, _mm256_blendv_epi8,
    _mm256_cmpeq_epi32, _mm256_or_si256, _mm256_set1_epi32, _mm256_setzero_si256, _mm256_xor_si256,
};

use super::consts::{SHA1_INNER_BITS, SHA1_OUTER_BITS, SHA256_K, SHA256_OUTER_BITS};
use super::pads::{Keys, MAX_LANES};
use super::vec::{load256 as load, store256 as store};

type V = __m256i;
const L: usize = 8;

macro_rules! rol {
    ($x:expr, $n:literal) => {{
        let x = $x;
        _mm256_or_si256(
            core::arch::x86_64::_mm256_slli_epi32::<$n>(x),
            core::arch::x86_64::_mm256_srli_epi32::<{ 32 - $n }>(x),
        )
    }};
}
macro_rules! ror {
    ($x:expr, $n:literal) => {{
        let x = $x;
        _mm256_or_si256(
            core::arch::x86_64::_mm256_srli_epi32::<$n>(x),
            core::arch::x86_64::_mm256_slli_epi32::<{ 32 - $n }>(x),
        )
    }};
}
macro_rules! shl {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm256_slli_epi32::<$n>($x)
    };
}
macro_rules! shr {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm256_srli_epi32::<$n>($x)
    };
}

#[inline]
#[target_feature(enable = "avx2")]
fn zero() -> V {
    _mm256_setzero_si256()
}

#[inline]
#[target_feature(enable = "avx2")]
fn splat(x: u32) -> V {
    #[allow(clippy::cast_possible_wrap)]
    _mm256_set1_epi32(x as i32)
}

#[inline]
#[target_feature(enable = "avx2")]
fn add(a: V, b: V) -> V {
    _mm256_add_epi32(a, b)
}

#[inline]
#[target_feature(enable = "avx2")]
fn and(a: V, b: V) -> V {
    _mm256_and_si256(a, b)
}

#[inline]
#[target_feature(enable = "avx2")]
fn or(a: V, b: V) -> V {
    _mm256_or_si256(a, b)
}

#[inline]
#[target_feature(enable = "avx2")]
fn xor(a: V, b: V) -> V {
    _mm256_xor_si256(a, b)
}

#[inline]
#[target_feature(enable = "avx2")]
fn xor3(a: V, b: V, c: V) -> V {
    xor(xor(a, b), c)
}

/// `b ? c : d`, bitwise: `(b & c) | (!b & d)`.
#[inline]
#[target_feature(enable = "avx2")]
fn ch(b: V, c: V, d: V) -> V {
    or(and(b, c), _mm256_andnot_si256(b, d))
}

/// Bitwise majority: `(a & b) | (c & (a | b))`.
#[inline]
#[target_feature(enable = "avx2")]
fn maj(a: V, b: V, c: V) -> V {
    or(and(a, b), and(c, or(a, b)))
}

/// Lane-wise `if x == y { if_equal } else { otherwise }`: a compare mask and a
/// byte blend, no branch.
#[inline]
#[target_feature(enable = "avx2")]
fn select_eq(x: V, y: V, if_equal: V, otherwise: V) -> V {
    _mm256_blendv_epi8(otherwise, if_equal, _mm256_cmpeq_epi32(x, y))
}

lane_kernels!("avx2", expand: false);
