//! The one formatter for generated codes, decimal ([`Code`](crate::Code)) and
//! Steam's alphabet ([`SteamCode`](crate::SteamCode)): every digit computed with
//! constant-divisor arithmetic and turned into its character without a table
//! lookup indexed by it.
//!
//! `core::fmt` is not usable here: its integer formatter divides until the value
//! is zero (the number of iterations depends on the value) and turns each pair of
//! digits into characters by indexing a 200-byte table with them, a load whose
//! address depends on the code (a cache-timing channel). A generated code is
//! secret-derived until the user sees it.

use subtle::{ConditionallySelectable, ConstantTimeEq};

/// The `N` least significant base-`RADIX` digits of `value`, least significant
/// first, each turned into its character by `symbol`.
///
/// # Security
/// - `RADIX` is a compile-time constant, so `%` and `/` by it compile to a
///   multiply-high and shifts (checked in the disassembly of the callers: no
///   `div`, whose latency depends on its operands on many CPUs).
/// - All `N` digits are computed whatever the value: no loop that stops when
///   the rest is zero, as `core::fmt`'s does.
/// - `symbol` sees each digit and must neither branch on it nor index with it
///   ([`decimal_symbol`], [`alphabet_symbol`]).
#[inline(always)]
pub(crate) fn digits<const RADIX: u64, const N: usize>(
    value: u64,
    symbol: impl Fn(u8) -> u8,
) -> [u8; N] {
    // A compile-time check, so the divisions below cannot panic on a zero
    // divisor and every digit fits a byte.
    const { assert!(RADIX >= 2 && RADIX <= 256) };
    let mut out = [0u8; N];
    let mut rest = value;
    for slot in &mut out {
        // `checked_*` only to keep the panic-freedom lints quiet: `RADIX` is a
        // non-zero constant, so the `None` case is compiled out (no branch).
        // The remainder is below `RADIX <= 256`: its low byte is all of it.
        let [digit, ..] = rest.checked_rem(RADIX).unwrap_or(0).to_le_bytes();
        rest = rest.checked_div(RADIX).unwrap_or(0);
        *slot = symbol(digit);
    }
    out
}

/// The ASCII digit for `digit` (below 10): arithmetic, `b'0' + digit`, where
/// `core::fmt` would load it from a table.
#[inline(always)]
pub(crate) fn decimal_symbol(digit: u8) -> u8 {
    b'0'.wrapping_add(digit)
}

/// `alphabet[digit]` without a load whose address depends on `digit`: every
/// symbol is read and the right one kept by a constant-time select (`subtle`),
/// so the memory accesses are the same for every digit. For alphabets that are
/// not a contiguous ASCII range, such as Steam's.
#[inline(always)]
pub(crate) fn alphabet_symbol(alphabet: &[u8], digit: u8) -> u8 {
    let digit = usize::from(digit);
    let mut symbol = 0u8;
    // The loop runs over the (public) alphabet, never stopping at the digit.
    for (index, candidate) in alphabet.iter().enumerate() {
        symbol = u8::conditional_select(&symbol, candidate, index.ct_eq(&digit));
    }
    symbol
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_is_computed_least_significant_first() {
        assert_eq!(digits::<10, 4>(1234, decimal_symbol), *b"4321");
        assert_eq!(digits::<10, 6>(0, decimal_symbol), *b"000000");
        // Digits beyond `N` are dropped, as `value % RADIX^N` would.
        assert_eq!(digits::<10, 3>(98_765, decimal_symbol), *b"567");
        assert_eq!(digits::<16, 4>(0xbeef, |d| d), [0xf, 0xe, 0xe, 0xb]);
        assert_eq!(
            digits::<10, 20>(u64::MAX, decimal_symbol),
            *b"51615590737044764481"
        );
    }

    #[test]
    fn alphabet_symbol_is_the_indexed_symbol() {
        let alphabet = b"23456789BCDFGHJKMNPQRTVWXY";
        for (digit, expected) in (0u8..).zip(alphabet) {
            assert_eq!(alphabet_symbol(alphabet, digit), *expected);
        }
        // Out of range: no symbol selected (never happens for `digit < RADIX`).
        assert_eq!(alphabet_symbol(alphabet, 26), 0);
    }
}
