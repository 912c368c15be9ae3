//! [`SteamCode`]: a Steam Guard code, five characters of Steam's 26-symbol
//! alphabet, parsed from what a user typed or reduced from a truncated HMAC.

use core::fmt;

use crate::modulus::Modulus;
use crate::{code_text, CodeError};

/// Steam's alphabet: digits and consonants without the look-alikes `0 1 A E I L O
/// S U Z`. A code's first character is the least significant base-26 digit.
const ALPHABET: [u8; 26] = *b"23456789BCDFGHJKMNPQRTVWXY";
/// Characters in a Steam code.
const LEN: u8 = 5;
/// `26^5`: the number of distinct codes.
const MODULUS: u32 = 11_881_376;

/// A Steam Guard code: five characters of `23456789BCDFGHJKMNPQRTVWXY`.
///
/// ```
/// # use otpcore::SteamCode;
/// let code = SteamCode::parse("2tc8b")?;
/// assert_eq!(code.to_string(), "2TC8B");
/// # Ok::<(), otpcore::CodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SteamCode {
    /// Below [`MODULUS`].
    value: u32,
}

impl SteamCode {
    /// The 26 symbols Steam codes use, in digit order.
    pub const ALPHABET: &'static str = "23456789BCDFGHJKMNPQRTVWXY";
    /// Characters per code.
    pub const LEN: u8 = LEN;

    /// The code for a 31-bit dynamically truncated HMAC value: its five least
    /// significant base-26 digits.
    ///
    /// # Security
    /// `truncated` is secret-derived: reduced by [`Modulus::reduce`], two
    /// multiplications, not a `div` with operand-dependent latency.
    pub(crate) fn from_truncated(truncated: u32) -> Self {
        SteamCode {
            value: SteamCode::MODULUS.reduce(truncated),
        }
    }

    /// `26^5` with its reciprocal.
    pub(crate) const MODULUS: Modulus = Modulus::new(MODULUS);

    /// Parses what a user typed: exactly five characters of
    /// [`SteamCode::ALPHABET`], in any case (`"2tc8b"` is `"2TC8B"`).
    ///
    /// # Errors
    /// [`CodeError::Length`] for other than five characters,
    /// [`CodeError::InvalidCharacter`] for a character outside the alphabet
    /// (including spaces, hyphens and the look-alikes Steam leaves out).
    ///
    /// # Security
    /// Parsing branches on the input, which the person typing it already knows;
    /// the comparison with the expected code is constant time, in
    /// [`Steam::verify_at`](crate::Steam::verify_at).
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let mut value: u32 = 0;
        let mut weight: u32 = 1;
        let mut found: u8 = 0;
        for byte in input.bytes() {
            if found == LEN {
                return Err(CodeError::Length {
                    expected: LEN,
                    found: LEN.saturating_add(1),
                });
            }
            let upper = byte.to_ascii_uppercase();
            let digit = (0u32..)
                .zip(ALPHABET)
                .find_map(|(d, symbol)| (symbol == upper).then_some(d))
                .ok_or(CodeError::InvalidCharacter)?;
            // Five digits below 26: at most 26^5 - 1, so nothing saturates.
            value = value.saturating_add(digit.saturating_mul(weight));
            weight = weight.saturating_mul(26);
            found = found.saturating_add(1);
        }
        if found != LEN {
            return Err(CodeError::Length {
                expected: LEN,
                found,
            });
        }
        Ok(SteamCode { value })
    }

    /// The numeric value, below `26^5`: the code read as a little-endian base-26
    /// number.
    #[must_use]
    pub const fn value(&self) -> u32 {
        self.value
    }

    /// The five ASCII characters.
    ///
    /// # Security
    /// A generated code is secret-derived until it is shown. `ALPHABET[digit]` would
    /// load from an address that depends on it (a cache-timing channel), so the
    /// shared constant-time formatter (`code_text::digits`, as for decimal
    /// codes) computes each base-26 digit by constant-divisor arithmetic, and
    /// `code_text::alphabet_symbol` picks its character by a branch-free select
    /// over all 26 symbols.
    #[must_use]
    pub fn to_ascii(&self) -> [u8; 5] {
        // The first character is the least significant digit, the order
        // `digits` produces.
        code_text::digits::<26, { LEN as usize }>(u64::from(self.value), |digit| {
            code_text::alphabet_symbol(&ALPHABET, digit)
        })
    }
}

impl fmt::Display for SteamCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ascii = self.to_ascii();
        // Every byte comes from ALPHABET, which is ASCII.
        f.write_str(core::str::from_utf8(&ascii).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn every_value_round_trips_through_text() {
        // Spot-check the whole range, including both ends and every digit position.
        for value in (0..MODULUS)
            .step_by(9_973)
            .chain([0, 1, 25, 26, MODULUS - 1])
        {
            let code = SteamCode { value };
            let text = code.to_string();
            assert_eq!(text.len(), 5);
            assert_eq!(SteamCode::parse(&text), Ok(code), "{text}");
            assert_eq!(SteamCode::parse(&text.to_ascii_lowercase()), Ok(code));
        }
        assert_eq!(SteamCode { value: 0 }.to_string(), "22222");
        assert_eq!(SteamCode { value: 1 }.to_string(), "32222");
        assert_eq!(SteamCode { value: MODULUS - 1 }.to_string(), "YYYYY");
    }

    #[test]
    fn text_equals_the_table_lookup_it_replaces() {
        // The plain `ALPHABET[value / 26^i % 26]` reference, over every value
        // whose lower digits roll over and a stride through the rest.
        let reference = |mut value: u32| {
            let mut out = [0u8; 5];
            for slot in &mut out {
                *slot = ALPHABET[(value % 26) as usize];
                value /= 26;
            }
            out
        };
        for value in (0..MODULUS)
            .step_by(7_919)
            .chain(0..26 * 26 * 2)
            .chain(MODULUS - 26 * 26..MODULUS)
        {
            assert_eq!(SteamCode { value }.to_ascii(), reference(value), "{value}");
        }
    }

    #[test]
    fn truncation_keeps_five_base26_digits() {
        assert_eq!(SteamCode::from_truncated(MODULUS).value(), 0);
        assert_eq!(
            SteamCode::from_truncated(0x7fff_ffff).value(),
            0x7fff_ffff % MODULUS
        );
    }

    #[test]
    fn rejects_malformed_input() {
        let cases: [(&str, CodeError); 8] = [
            (
                "",
                CodeError::Length {
                    expected: 5,
                    found: 0,
                },
            ),
            (
                "2TC8",
                CodeError::Length {
                    expected: 5,
                    found: 4,
                },
            ),
            (
                "2TC8BB",
                CodeError::Length {
                    expected: 5,
                    found: 6,
                },
            ),
            ("2TC8A", CodeError::InvalidCharacter),
            ("2TC80", CodeError::InvalidCharacter),
            ("2TC 8B", CodeError::InvalidCharacter),
            ("2TC8É", CodeError::InvalidCharacter),
            ("12345", CodeError::InvalidCharacter),
        ];
        for (input, err) in cases {
            assert_eq!(SteamCode::parse(input), Err(err), "{input:?}");
        }
    }
}
