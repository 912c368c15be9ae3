//! The fast path of [`Code::parse`](crate::Code::parse): input that is four to
//! eight ASCII digits and nothing else — what a form field or an API sends —
//! read as one 64-bit word, without a loop.
//!
//! Why a fast path at all: a verification's time is the kernel's plus every
//! instruction around it (README, "Close to the limit": 100 extra instructions
//! cost a ±1 verification about 6 ns on Zen 4, measured by padding the scan).
//! The general parser takes about 16 instructions per character; this one 33 in
//! all, length check included (the release `scan::scan`, rustc 1.95, x86-64,
//! six digits), with [`PlainDigits`]' shift and fill worked out per credential.
//! Everything else — separators, other lengths, any other character — goes to
//! the general parser, which also names the error.
//!
//! The digit check is the well-known SWAR sequence of simdjson
//! (`is_made_of_eight_digits_fast`), the conversion that of `fast_float`
//! (Lemire's number parser, `parse_eight_digits_unrolled`), both checked here
//! against the general parser on every length and every byte value at every
//! position.
//!
//! # Security
//! The input is public (the person typing it knows it); nothing here sees the
//! secret. It branches on the input alone: its length, and whether it is all
//! digits.

use crate::Digits;

/// Eight ASCII zeros.
const ZEROS: u64 = 0x3030_3030_3030_3030;

/// The value of `input` if it is exactly `digits` ASCII digits and nothing else
/// (`None` for any other input, and for 9 or 10 digits): the fast path of
/// [`Code::parse`](crate::Code::parse). A verification keeps its
/// [`PlainDigits`] in its `Format` instead.
#[inline]
pub(crate) fn exactly(input: &str, digits: Digits) -> Option<u64> {
    PlainDigits::of(digits).read(input)
}

/// The reader of one length of plain digits, its shift and fill worked out
/// once: a credential's `Format` holds one, made when the credential is, so a
/// verification's parse starts from them. Worked out on every parse they were
/// six more instructions on the path measured against the bare kernel (README,
/// "Close to the limit").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PlainDigits {
    /// The input length read; `usize::MAX`, which no `&str` has, reads none.
    len: usize,
    /// How far the first four bytes move up in the word: `8 * (8 - len)`.
    shift: u32,
    /// The `8 - len` ASCII zeros that pad the word's low bytes on the left.
    fill: u64,
}

impl PlainDigits {
    /// Reads nothing: for a format whose codes are not decimal digits.
    pub(crate) const NONE: PlainDigits = PlainDigits {
        len: usize::MAX,
        shift: 0,
        fill: 0,
    };

    /// The reader of `digits` digits: [`PlainDigits::NONE`] for 9 and 10,
    /// which do not fit the word.
    pub(crate) const fn of(digits: Digits) -> Self {
        PlainDigits::of_len(digits.get() as usize)
    }

    /// The reader of `len` characters, 4 to 8 ([`PlainDigits::NONE`] for any
    /// other length).
    const fn of_len(len: usize) -> Self {
        if len < 4 || len > 8 {
            return PlainDigits::NONE;
        }
        // `pad` (0 to 4) leading '0's: both shifts below are 0 to 32 bits,
        // and `8 - len` (0 to 4) fits any integer.
        #[allow(clippy::cast_possible_truncation)]
        let pad = 8usize.wrapping_sub(len) as u32;
        let shift = pad.wrapping_mul(8);
        PlainDigits {
            len,
            shift,
            fill: (ZEROS & 0xffff_ffff).wrapping_shr(32u32.wrapping_sub(shift)),
        }
    }

    /// The value of `input` if it is this reader's length of ASCII digits;
    /// `None` for anything else.
    #[inline]
    pub(crate) fn read(self, input: &str) -> Option<u64> {
        self.read_bytes(input.as_bytes())
    }

    /// [`PlainDigits::read`] on bytes (the tests try every byte value).
    #[inline]
    fn read_bytes(self, bytes: &[u8]) -> Option<u64> {
        if bytes.len() != self.len {
            return None;
        }
        // Two overlapping four-byte loads cover any length from 4 to 8: the
        // word the input would be if it were padded on the left with '0' to
        // eight characters, first character in the lowest byte. The head moves
        // up by `pad` bytes (its top bytes, which the tail also holds, fall off
        // at 32 bits) over `pad` bytes of '0'.
        let head = u64::from(u32::from_le_bytes(*bytes.first_chunk::<4>()?));
        let tail = u64::from(u32::from_le_bytes(*bytes.last_chunk::<4>()?));
        let front = (head.wrapping_shl(self.shift) | self.fill) & 0xffff_ffff;
        eight_digits(front | tail.wrapping_shl(32))
    }
}

/// The value of eight ASCII digits packed little-endian in `word`, or `None` if
/// one of its bytes is not an ASCII digit.
#[inline]
fn eight_digits(word: u64) -> Option<u64> {
    // Every byte is 0x30..=0x39 iff neither adding 0x46 nor subtracting 0x30
    // sets its top bit (simdjson's `is_made_of_eight_digits_fast`): a byte
    // from 0x3a up reaches 0x80 or more, or wraps past 0xff to a byte whose
    // subtraction keeps the top bit; one below 0x30 borrows to 0xd0 or more.
    // A carry or borrow only leaves a byte that itself fails, and the lowest
    // failing byte has no carry coming in. Four instructions fewer than the
    // nibble test this replaced (`fast_float`'s `is_8digits`).
    let digits = word.wrapping_sub(ZEROS);
    if (word.wrapping_add(0x4646_4646_4646_4646) | digits) & 0x8080_8080_8080_8080 != 0 {
        return None;
    }
    // Digit values, then pairs (10a + b in every other byte), then groups of
    // four and the whole by two multiplications that each add two fields with
    // their weights (100 and 10^6, 1 and 10^4) into the top half.
    const MASK: u64 = 0x0000_00ff_0000_00ff;
    const MUL1: u64 = 0x000f_4240_0000_0064;
    const MUL2: u64 = 0x0000_2710_0000_0001;
    let pairs = digits.wrapping_mul(10).wrapping_add(digits >> 8);
    let v1 = (pairs & MASK).wrapping_mul(MUL1);
    let v2 = ((pairs >> 16) & MASK).wrapping_mul(MUL2);
    Some(v1.wrapping_add(v2) >> 32 & 0xffff_ffff)
}

#[cfg(test)]
// Test arithmetic on small numbers cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::PlainDigits;
    use alloc::format;
    use alloc::vec::Vec;

    /// The fast reader of `bytes`' length (none below 4 or above 8).
    fn read(bytes: &[u8]) -> Option<u64> {
        PlainDigits::of_len(bytes.len()).read_bytes(bytes)
    }

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
