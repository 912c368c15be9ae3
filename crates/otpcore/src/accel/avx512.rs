//! Sixteen lanes of SHA-1 / SHA-256 in AVX-512F registers (see `lanes`).
//!
//! AVX-512F has what these hashes want: `vprold`/`vprord` rotate in one
//! instruction, and `vpternlogd` computes `Ch`, `Maj` and three-way XOR in one.

// Indices are constants (unrolled rounds) or counters below a const array length.
#![allow(clippy::indexing_slicing)]

use core::arch::x86_64::{
    __m512i, _mm512_add_epi32, _mm512_and_si512, _mm512_cmpeq_epi32_mask, _mm512_mask_blend_epi32,
    _mm512_or_si512, _mm512_set1_epi32, _mm512_setzero_si512, _mm512_ternarylogic_epi32,
    _mm512_xor_si512,
};

use super::consts::{SHA1_INNER_BITS, SHA1_OUTER_BITS, SHA256_K, SHA256_OUTER_BITS};
use super::pads::{Keys, MAX_LANES};
use super::vec::{load512 as load, store512 as store};

type V = __m512i;
const L: usize = 16;

macro_rules! rol {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm512_rol_epi32::<$n>($x)
    };
}
macro_rules! ror {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm512_ror_epi32::<$n>($x)
    };
}
macro_rules! shl {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm512_slli_epi32::<$n>($x)
    };
}
macro_rules! shr {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm512_srli_epi32::<$n>($x)
    };
}

#[inline]
#[target_feature(enable = "avx512f")]
fn zero() -> V {
    _mm512_setzero_si512()
}

#[inline]
#[target_feature(enable = "avx512f")]
fn splat(x: u32) -> V {
    #[allow(clippy::cast_possible_wrap)]
    _mm512_set1_epi32(x as i32)
}

#[inline]
#[target_feature(enable = "avx512f")]
fn add(a: V, b: V) -> V {
    _mm512_add_epi32(a, b)
}

#[inline]
#[target_feature(enable = "avx512f")]
fn and(a: V, b: V) -> V {
    _mm512_and_si512(a, b)
}

#[inline]
#[target_feature(enable = "avx512f")]
fn or(a: V, b: V) -> V {
    _mm512_or_si512(a, b)
}

#[inline]
#[target_feature(enable = "avx512f")]
fn xor(a: V, b: V) -> V {
    _mm512_xor_si512(a, b)
}

/// `a ^ b ^ c` (truth table 0x96).
#[inline]
#[target_feature(enable = "avx512f")]
fn xor3(a: V, b: V, c: V) -> V {
    _mm512_ternarylogic_epi32::<0x96>(a, b, c)
}

/// `b ? c : d`, bitwise (truth table 0xca).
#[inline]
#[target_feature(enable = "avx512f")]
fn ch(b: V, c: V, d: V) -> V {
    _mm512_ternarylogic_epi32::<0xca>(b, c, d)
}

/// Bitwise majority (truth table 0xe8).
#[inline]
#[target_feature(enable = "avx512f")]
fn maj(a: V, b: V, c: V) -> V {
    _mm512_ternarylogic_epi32::<0xe8>(a, b, c)
}

/// Lane-wise `if x == y { if_equal } else { otherwise }`, through a mask
/// register and a blend: no branch.
#[inline]
#[target_feature(enable = "avx512f")]
fn select_eq(x: V, y: V, if_equal: V, otherwise: V) -> V {
    _mm512_mask_blend_epi32(_mm512_cmpeq_epi32_mask(x, y), otherwise, if_equal)
}

lane_kernels!("avx512f", expand: true);
