//! Four lanes of SHA-512 in AVX2 registers (see `lanes64`). AVX2 has no 64-bit
//! rotate: each is two shifts and an OR.

// Indices are constants (unrolled rounds) or counters below a const array length.
#![allow(clippy::indexing_slicing)]

use core::arch::x86_64::{
    __m256i, _mm256_add_epi64, _mm256_and_si256, _mm256_andnot_si256, _mm256_or_si256,
    _mm256_set1_epi64x, _mm256_setzero_si256, _mm256_xor_si256,
};

use crate::truncate::dynamic_truncation;

use super::consts::{SHA512_INNER_BITS, SHA512_K, SHA512_OUTER_BITS};
use super::pads::{Keys, MAX_LANES};
use super::vec::{load256q as load, store256q as store};

type V = __m256i;
const L: usize = 4;

macro_rules! ror {
    ($x:expr, $n:literal) => {{
        let x = $x;
        _mm256_or_si256(
            core::arch::x86_64::_mm256_srli_epi64::<$n>(x),
            core::arch::x86_64::_mm256_slli_epi64::<{ 64 - $n }>(x),
        )
    }};
}
macro_rules! shr {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm256_srli_epi64::<$n>($x)
    };
}

#[inline]
#[target_feature(enable = "avx2")]
fn zero() -> V {
    _mm256_setzero_si256()
}

#[inline]
#[target_feature(enable = "avx2")]
fn splat(x: u64) -> V {
    #[allow(clippy::cast_possible_wrap)]
    _mm256_set1_epi64x(x as i64)
}

#[inline]
#[target_feature(enable = "avx2")]
fn add(a: V, b: V) -> V {
    _mm256_add_epi64(a, b)
}

#[inline]
#[target_feature(enable = "avx2")]
fn xor3(a: V, b: V, c: V) -> V {
    _mm256_xor_si256(_mm256_xor_si256(a, b), c)
}

/// `b ? c : d`, bitwise: `(b & c) | (!b & d)`.
#[inline]
#[target_feature(enable = "avx2")]
fn ch(b: V, c: V, d: V) -> V {
    _mm256_or_si256(_mm256_and_si256(b, c), _mm256_andnot_si256(b, d))
}

/// Bitwise majority: `(a & b) | (c & (a | b))`.
#[inline]
#[target_feature(enable = "avx2")]
fn maj(a: V, b: V, c: V) -> V {
    _mm256_or_si256(
        _mm256_and_si256(a, b),
        _mm256_and_si256(c, _mm256_or_si256(a, b)),
    )
}

lane_kernels64!("avx2", expand: false);
