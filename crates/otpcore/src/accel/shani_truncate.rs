//! RFC 4226 §5.3 dynamic truncation in the registers the SHA-NI kernels end
//! in: two byte shuffles instead of `truncate::dynamic_truncation`'s selects.
//!
//! `dynamic_truncation` takes the MAC as five words and forms every
//! candidate word pair and every byte shift, selecting one of each with
//! `subtle`: about 94 instructions per code, with two optimisation barriers
//! through the stack (traced on Zen 4: a fifth of a ±1 verification). The SHA-NI
//! kernels hold the MAC in vector registers already, in big-endian order from
//! the top byte down, and `pshufb` (`_mm_shuffle_epi8`) picks bytes by an index
//! held in another register: the four bytes at the secret offset come out of
//! one shuffle per source register, whatever the offset.
//!
//! # Security
//! The offset is secret (the MAC's last nibble). Here it never leaves the
//! vector registers: it is broadcast with a shuffle, subtracted from constant
//! index vectors and used as the shuffle control. `pshufb` with a register
//! control reads no memory, and its timing does not depend on the control's
//! value: Intel lists it among its data-operand-independent-timing
//! instructions, and vector-permutation AES (Hamburg's `vpaes`, in OpenSSL and
//! BoringSSL) relies on exactly this, shuffling by secret indices. There is no
//! branch, no memory access and no division; every code runs the same
//! instructions. `tests::matches_the_scalar_truncation_at_every_offset` compares
//! it with `dynamic_truncation`, and `accel::tests::sha1_backends_agree` /
//! `sha256_backends_agree` compare the SHA-NI kernels with the portable one.

use core::arch::x86_64::{
    __m128i, _mm_adds_epu8, _mm_and_si128, _mm_cvtsi128_si32, _mm_or_si128, _mm_set1_epi8,
    _mm_setr_epi8, _mm_shuffle_epi8, _mm_sub_epi8,
};

/// The truncated value (top bit cleared) of a MAC whose first sixteen bytes are
/// `head` and next four are `tail`, in the kernels' layout: MAC byte `j` at
/// vector byte `15 - j` of `head` (`j < 16`) or `31 - j` of `tail` (`16 <= j <
/// 20`, the top four bytes). `last` holds the MAC's last byte in every byte.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
pub(super) fn truncate(head: __m128i, tail: __m128i, last: __m128i) -> u32 {
    // The offset `o` in every byte.
    let offset = _mm_and_si128(last, _mm_set1_epi8(0x0f));
    // Byte `k` of the result (little-endian, k < 4) is MAC byte `j = o + 3 - k`
    // (so the word reads big-endian), at `head` byte `12 - o + k` when j < 16.
    // For j >= 16 that index is negative, its top bit set: `pshufb` writes 0.
    // Bytes 4 and up of the result are not used.
    let head_index = _mm_sub_epi8(
        _mm_setr_epi8(12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        offset,
    );
    // In `tail` the same byte is at `28 - o + k` (13 to 15 when j >= 16). For
    // j < 16 that index is 16 to 31, which `pshufb` would read modulo 16: adding
    // 0x70 with unsigned saturation sets the top bit of exactly those (0x80 and
    // up, written as 0) and leaves the low nibble of the others (0x7c..=0x7f).
    let tail_index = _mm_adds_epu8(
        _mm_sub_epi8(
            _mm_setr_epi8(28, 29, 30, 31, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            offset,
        ),
        _mm_set1_epi8(0x70),
    );
    let bytes = _mm_or_si128(
        _mm_shuffle_epi8(head, head_index),
        _mm_shuffle_epi8(tail, tail_index),
    );
    // The low 32 bits, reinterpreted: no value is lost.
    #[allow(clippy::cast_sign_loss)]
    let word = _mm_cvtsi128_si32(bytes) as u32;
    word & 0x7fff_ffff
}

/// Byte `POSITION` of `x` in every byte.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
pub(super) fn broadcast_byte<const POSITION: i8>(x: __m128i) -> __m128i {
    _mm_shuffle_epi8(x, _mm_set1_epi8(POSITION))
}

#[cfg(test)]
// The test calls the SSSE3 functions after checking the CPU has SSSE3, and
// indexes arrays by constants.
#[allow(unsafe_code, clippy::arithmetic_side_effects)]
mod tests;
