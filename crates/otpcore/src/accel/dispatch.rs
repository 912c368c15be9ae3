//! The only `unsafe` code in otpcore: entering functions compiled for CPU
//! features that only a run-time check can promise.
//!
//! Each wrapper checks the features (std's cached `is_x86_feature_detected!`)
//! and only then calls the kernel; it returns `None` on a CPU without them, and
//! the caller falls back to the portable path. The kernels themselves are safe
//! Rust: inside a `#[target_feature]` function the matching intrinsics are safe
//! to call.

use core::arch::x86_64::{__m256i, __m512i};

use super::{avx2, avx512, shani, shani256, Keys};

/// SHA-NI and the SSE levels its kernel is compiled for.
pub(super) fn has_shani() -> bool {
    std::arch::is_x86_feature_detected!("sha")
        && std::arch::is_x86_feature_detected!("sse2")
        && std::arch::is_x86_feature_detected!("ssse3")
        && std::arch::is_x86_feature_detected!("sse4.1")
}

/// [`shani::hmac_sha1`], if this CPU can run it.
#[inline]
pub(super) fn shani_hmac_sha1<const N: usize>(
    inner: [&[u32; 5]; N],
    outer: [&[u32; 5]; N],
    counters: [u64; N],
) -> Option<[[u32; 5]; N]> {
    if has_shani() {
        // SAFETY: `hmac_sha1` is compiled for `sha,sse2,ssse3,sse4.1`, and the CPU
        // reported all four just above. It takes and returns plain values.
        Some(unsafe { shani::hmac_sha1(inner, outer, counters) })
    } else {
        None
    }
}

/// [`shani256::hmac_sha256`], if this CPU can run it.
#[inline]
pub(super) fn shani_hmac_sha256<const N: usize>(
    inner: [&[u32; 8]; N],
    outer: [&[u32; 8]; N],
    counters: [u64; N],
) -> Option<[[u32; 8]; N]> {
    if has_shani() {
        // SAFETY: `hmac_sha256` is compiled for `sha,sse2,ssse3,sse4.1`, and the
        // CPU reported all four just above. It takes and returns plain values.
        Some(unsafe { shani256::hmac_sha256(inner, outer, counters) })
    } else {
        None
    }
}

/// AVX-512 Foundation, all the `avx512` kernels use.
fn has_avx512() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

/// AVX2, all the `avx2` kernels use.
fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// [`avx512::hmac_sha1`], if this CPU can run it.
#[inline]
pub(super) fn avx512_hmac_sha1(
    keys: Keys<'_, [u32; 5], 16>,
    counters: &[u64; 16],
) -> Option<[u32; 16]> {
    if has_avx512() {
        // SAFETY: compiled for `avx512f`, which the CPU reported just above. It
        // only reads `keys` and `counters` and returns a plain array.
        Some(unsafe { avx512::hmac_sha1(keys, counters) })
    } else {
        None
    }
}

/// [`avx512::hmac_sha256`], if this CPU can run it.
#[inline]
pub(super) fn avx512_hmac_sha256(
    keys: Keys<'_, [u32; 8], 16>,
    counters: &[u64; 16],
) -> Option<[u32; 16]> {
    if has_avx512() {
        // SAFETY: compiled for `avx512f`, which the CPU reported just above. It
        // only reads `keys` and `counters` and returns a plain array.
        Some(unsafe { avx512::hmac_sha256(keys, counters) })
    } else {
        None
    }
}

/// [`avx2::hmac_sha1`], if this CPU can run it.
#[inline]
pub(super) fn avx2_hmac_sha1(keys: Keys<'_, [u32; 5], 8>, counters: &[u64; 8]) -> Option<[u32; 8]> {
    if has_avx2() {
        // SAFETY: compiled for `avx2`, which the CPU reported just above. It
        // only reads `keys` and `counters` and returns a plain array.
        Some(unsafe { avx2::hmac_sha1(keys, counters) })
    } else {
        None
    }
}

/// [`avx2::hmac_sha256`], if this CPU can run it.
#[inline]
pub(super) fn avx2_hmac_sha256(
    keys: Keys<'_, [u32; 8], 8>,
    counters: &[u64; 8],
) -> Option<[u32; 8]> {
    if has_avx2() {
        // SAFETY: compiled for `avx2`, which the CPU reported just above. It
        // only reads `keys` and `counters` and returns a plain array.
        Some(unsafe { avx2::hmac_sha256(keys, counters) })
    } else {
        None
    }
}

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
