//! Eight lanes of SHA-512 in AVX-512F registers (see `lanes64`): `vprorq`
//! rotates in one instruction and `vpternlogq` computes `Ch`, `Maj` and the
//! three-way XORs in one.

// Indices are constants (unrolled rounds) or counters below a const array length.
#![allow(clippy::indexing_slicing)]

use core::arch::x86_64::{
    __m512i, _mm512_add_epi64, _mm512_set1_epi64, _mm512_setzero_si512, _mm512_ternarylogic_epi64,
};

use crate::truncate::dynamic_truncation;

use super::consts::{SHA512_INNER_BITS, SHA512_K, SHA512_OUTER_BITS};
use super::pads::{Keys, MAX_LANES};
use super::vec::{load512q as load, store512q as store};

type V = __m512i;
const L: usize = 8;

macro_rules! ror {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm512_ror_epi64::<$n>($x)
    };
}
macro_rules! shr {
    ($x:expr, $n:literal) => {
        core::arch::x86_64::_mm512_srli_epi64::<$n>($x)
    };
}

#[inline]
#[target_feature(enable = "avx512f")]
fn zero() -> V {
    _mm512_setzero_si512()
}

#[inline]
#[target_feature(enable = "avx512f")]
fn splat(x: u64) -> V {
    #[allow(clippy::cast_possible_wrap)]
    _mm512_set1_epi64(x as i64)
}

#[inline]
#[target_feature(enable = "avx512f")]
fn add(a: V, b: V) -> V {
    _mm512_add_epi64(a, b)
}

/// `a ^ b ^ c` (truth table 0x96).
#[inline]
#[target_feature(enable = "avx512f")]
fn xor3(a: V, b: V, c: V) -> V {
    _mm512_ternarylogic_epi64::<0x96>(a, b, c)
}

/// `b ? c : d`, bitwise (truth table 0xca).
#[inline]
#[target_feature(enable = "avx512f")]
fn ch(b: V, c: V, d: V) -> V {
    _mm512_ternarylogic_epi64::<0xca>(b, c, d)
}

/// Bitwise majority (truth table 0xe8).
#[inline]
#[target_feature(enable = "avx512f")]
fn maj(a: V, b: V, c: V) -> V {
    _mm512_ternarylogic_epi64::<0xe8>(a, b, c)
}

lane_kernels64!("avx512f", expand: true);
