//! Vector registers to and from lane arrays: eight same-size `transmute`s.
//!
//! One of the two files with `unsafe` (the other is `backend`): `transmute` is
//! `unsafe` even between two types where every bit pattern is valid in both, and
//! a load through a pointer (`_mm256_loadu_si256`) would be too. The kernels
//! call these safe functions from their own `#[target_feature]` code.
#![allow(unsafe_code)]

use core::arch::x86_64::{__m256i, __m512i};

/// Sixteen lane words into a vector.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn load512(words: &[u32; 16]) -> __m512i {
    // SAFETY: `[u32; 16]` and `__m512i` are both 64 bytes of plain integer data;
    // every bit pattern is a valid value of either, and `transmute` copies.
    unsafe { core::mem::transmute::<[u32; 16], __m512i>(*words) }
}

/// A vector's sixteen lane words.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn store512(v: __m512i) -> [u32; 16] {
    // SAFETY: as in `load512`, the other way round.
    unsafe { core::mem::transmute::<__m512i, [u32; 16]>(v) }
}

/// Eight lane words into a vector.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn load256(words: &[u32; 8]) -> __m256i {
    // SAFETY: `[u32; 8]` and `__m256i` are both 32 bytes of plain integer data;
    // every bit pattern is a valid value of either, and `transmute` copies.
    unsafe { core::mem::transmute::<[u32; 8], __m256i>(*words) }
}

/// A vector's eight lane words.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn store256(v: __m256i) -> [u32; 8] {
    // SAFETY: as in `load256`, the other way round.
    unsafe { core::mem::transmute::<__m256i, [u32; 8]>(v) }
}

/// Eight 64-bit lane words into a vector.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn load512q(words: &[u64; 8]) -> __m512i {
    // SAFETY: `[u64; 8]` and `__m512i` are both 64 bytes of plain integer data;
    // every bit pattern is a valid value of either, and `transmute` copies.
    unsafe { core::mem::transmute::<[u64; 8], __m512i>(*words) }
}

/// A vector's eight 64-bit lane words.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn store512q(v: __m512i) -> [u64; 8] {
    // SAFETY: as in `load512q`, the other way round.
    unsafe { core::mem::transmute::<__m512i, [u64; 8]>(v) }
}

/// Four 64-bit lane words into a vector.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn load256q(words: &[u64; 4]) -> __m256i {
    // SAFETY: `[u64; 4]` and `__m256i` are both 32 bytes of plain integer data;
    // every bit pattern is a valid value of either, and `transmute` copies.
    unsafe { core::mem::transmute::<[u64; 4], __m256i>(*words) }
}

/// A vector's four 64-bit lane words.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn store256q(v: __m256i) -> [u64; 4] {
    // SAFETY: as in `load256q`, the other way round.
    unsafe { core::mem::transmute::<__m256i, [u64; 4]>(v) }
}
