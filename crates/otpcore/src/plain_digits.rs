//! The fast path of [`Code::parse`](crate::Code::parse): input that is four to
//! eight ASCII digits and nothing else — what a form field or an API sends —
//! read as one 64-bit word, without a loop.
//!
//! Why a fast path at all: a verification's time is the kernel's plus every
//! instruction around it (README, "Close to the limit": 100 extra instructions
//! cost a ±1 verification about 6 ns on Zen 4, measured by padding the scan).
//! The general parser takes about 16 instructions per character; this one about
//! 45 in all, length checks included (callgrind, the verification of a six-digit
//! code). Everything else — separators, other lengths, any other character —
//! goes to the general parser, which also names the error.
//!
//! The digit check and the conversion are the well-known SWAR sequences of
//! `fast_float` (Lemire's number parser, `is_8digits` and
//! `parse_eight_digits_unrolled`), checked here against the general parser on
//! every length and every byte value at every position.
//!
//! # Security
//! The input is public (the person typing it knows it); nothing here sees the
//! secret. It branches on the input's length only.

use crate::Digits;

/// Eight ASCII zeros.
const ZEROS: u64 = 0x3030_3030_3030_3030;

/// The value of `input` if it is exactly `digits` ASCII digits and nothing else
/// (`digits` from 4 to 8; `None` for any other count or input): the fast path
/// of both [`Code::parse`](crate::Code::parse) and a verification's parse.
#[inline]
pub(crate) fn exactly(input: &str, digits: Digits) -> Option<u64> {
    if input.len() != usize::from(digits.get()) {
        return None;
    }
    read(input.as_bytes())
}

/// The value of `bytes` if it is 4 to 8 ASCII digits; `None` for anything else.
#[inline]
pub(crate) fn read(bytes: &[u8]) -> Option<u64> {
    let len = bytes.len();
    if !(4..=8).contains(&len) {
        return None;
    }
    // Two overlapping four-byte loads cover any length from 4 to 8: the word
    // the input would be if it were padded on the left with '0' to eight
    // characters, first character in the lowest byte.
    let head = u64::from(u32::from_le_bytes(*bytes.first_chunk::<4>()?));
    let tail = u64::from(u32::from_le_bytes(*bytes.last_chunk::<4>()?));
    // `pad` (0 to 4) leading '0's, then the first `len - 4` characters: the
    // head moved up by `pad` bytes (its top bytes, which the tail also holds,
    // fall off at 32 bits) over `pad` bytes of '0'. `len` is 4..=8, so both
    // shift amounts are 0..=32 (a `u64` shift, never out of range).
    let pad = u32::try_from(8usize.wrapping_sub(len)).ok()?;
    let shift = pad.wrapping_mul(8);
    let fill = (ZEROS & 0xffff_ffff).wrapping_shr(32u32.wrapping_sub(shift));
    let front = (head.wrapping_shl(shift) | fill) & 0xffff_ffff;
    let word = front | tail.wrapping_shl(32);
    eight_digits(word)
}

/// The value of eight ASCII digits packed little-endian in `word`, or `None` if
/// one of its bytes is not an ASCII digit.
#[inline]
fn eight_digits(word: u64) -> Option<u64> {
    // Every byte is 0x30..=0x39 iff its high nibble is 3 and adding 6 leaves the
    // high nibble at 3 (a carry out of a byte only happens from 0xfa..=0xff,
    // whose own high nibble already fails).
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const SIX: u64 = 0x0606_0606_0606_0606;
    const THREES: u64 = 0x3333_3333_3333_3333;
    if (word & HIGH) | ((word.wrapping_add(SIX) & HIGH) >> 4) != THREES {
        return None;
    }
    // Digit values, then pairs (10a + b in every other byte), then groups of
    // four and the whole by two multiplications that each add two fields with
    // their weights (100 and 10^6, 1 and 10^4) into the top half.
    const MASK: u64 = 0x0000_00ff_0000_00ff;
    const MUL1: u64 = 0x000f_4240_0000_0064;
    const MUL2: u64 = 0x0000_2710_0000_0001;
    let digits = word.wrapping_sub(ZEROS);
    let pairs = digits.wrapping_mul(10).wrapping_add(digits >> 8);
    let v1 = (pairs & MASK).wrapping_mul(MUL1);
    let v2 = ((pairs >> 16) & MASK).wrapping_mul(MUL2);
    Some(v1.wrapping_add(v2) >> 32 & 0xffff_ffff)
}

#[cfg(test)]
// Test arithmetic on small numbers cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::read;
    use alloc::format;
    use alloc::vec::Vec;

    /// What the general rule says: the value if every byte is an ASCII digit.
    fn slow(bytes: &[u8]) -> Option<u64> {
        if !(4..=8).contains(&bytes.len()) || !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(bytes.iter().fold(0, |v, b| v * 10 + u64::from(b - b'0')))
    }

    #[test]
    fn every_byte_at_every_position_of_every_length() {
        for len in 0..=10usize {
            let base: Vec<u8> = (0..len).map(|i| b"31415926535"[i]).collect();
            assert_eq!(read(&base), slow(&base), "{base:?}");
            for position in 0..len {
                for byte in 0..=255u8 {
                    let mut input = base.clone();
                    input[position] = byte;
                    assert_eq!(read(&input), slow(&input), "{input:?}");
                }
            }
        }
    }

    #[test]
    fn every_six_digit_code_and_the_ends_of_the_other_lengths() {
        for value in 0..1_000_000u64 {
            let text = format!("{value:06}");
            assert_eq!(read(text.as_bytes()), Some(value));
        }
        for len in 4..=8u32 {
            let top = 10u64.pow(len) - 1;
            for value in [0, 1, 9, 10, 99, 12_345, top / 7, top - 1, top] {
                let text = format!("{value:0width$}", width = len as usize);
                assert_eq!(read(text.as_bytes()), Some(value), "{text}");
            }
        }
    }
}
