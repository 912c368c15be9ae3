//! [`Code`]: a one-time password, generated or typed by a user.

use core::fmt;

use crate::{code_text, plain_digits, Digits};

/// Why user input is not a well-formed code. Never contains the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodeError {
    /// The input has the wrong number of digits.
    Length {
        /// Digits the configuration expects.
        expected: u8,
        /// Digits found before giving up (at most `expected + 1`).
        found: u8,
    },
    /// A character other than an ASCII digit, space or hyphen (this includes
    /// non-ASCII digits such as `٣` or `３`, signs and letters); for a
    /// [`SteamCode`](crate::SteamCode), a character outside Steam's alphabet.
    InvalidCharacter,
    /// A space or hyphen at the start or end, or two in a row.
    MisplacedSeparator,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Length { expected, found } if found > expected => {
                write!(f, "code must have {expected} digits; it has more")
            }
            CodeError::Length { expected, found } => {
                write!(f, "code must have {expected} digits, not {found}")
            }
            CodeError::InvalidCharacter => {
                f.write_str("code may only contain ASCII digits, spaces and hyphens")
            }
            CodeError::MisplacedSeparator => {
                f.write_str("spaces and hyphens may only separate groups of digits")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CodeError {}

/// A one-time password: a value below `10^digits`, displayed zero-padded.
///
/// ```
/// # use otpcore::{Code, Digits};
/// let code = Code::parse("012 345", Digits::SIX)?;
/// assert_eq!(code.to_string(), "012345");
/// # Ok::<(), otpcore::CodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    value: u64,
    digits: Digits,
}

impl Code {
    pub(crate) const fn new(value: u32, digits: Digits) -> Self {
        Code {
            value: value as u64,
            digits,
        }
    }

    /// Parses what a user typed: exactly `digits` ASCII digits, optionally grouped
    /// by single ASCII spaces or hyphens as authenticator apps display them
    /// (`"711 725"`, `"711-725"`, `"7 1 1 7 2 5"`).
    ///
    /// # Errors
    /// [`CodeError`] for anything else: wrong length, non-ASCII digits, signs,
    /// letters, leading/trailing/doubled separators.
    ///
    /// # Security
    /// Parsing branches on the input, which the caller (the would-be attacker)
    /// already knows; the comparison with the expected code happens elsewhere, in
    /// constant time. Malformed input is an error, so it never reaches that
    /// comparison as a "mismatch" with different timing.
    pub fn parse(input: &str, digits: Digits) -> Result<Self, CodeError> {
        let expected = digits.get();
        // Exactly the digits and nothing else: one word, no loop
        // (`plain_digits`); anything else is read character by character below.
        if let Some(value) = plain_digits::exactly(input, digits) {
            return Ok(Code { value, digits });
        }
        let mut value: u64 = 0;
        let mut found: u8 = 0;
        let mut after_digit = false;
        for byte in input.bytes() {
            match byte {
                b'0'..=b'9' => {
                    if found == expected {
                        return Err(CodeError::Length {
                            expected,
                            found: expected.saturating_add(1),
                        });
                    }
                    // At most 10 digits (`found < expected <= 10` here): `value` stays
                    // below 10^10 < 2^64 and `found` below 11, so the wrapping steps
                    // never wrap. They are plain `lea`/`add`: the saturating ones
                    // compiled to a `mul` with an overflow test per digit, a longer
                    // dependency chain ahead of every verification.
                    value = value
                        .wrapping_mul(10)
                        .wrapping_add(u64::from(byte.wrapping_sub(b'0')));
                    found = found.wrapping_add(1);
                    after_digit = true;
                }
                b' ' | b'-' if after_digit => after_digit = false,
                b' ' | b'-' => return Err(CodeError::MisplacedSeparator),
                _ => return Err(CodeError::InvalidCharacter),
            }
        }
        if found > 0 && !after_digit {
            return Err(CodeError::MisplacedSeparator);
        }
        if found != expected {
            return Err(CodeError::Length { expected, found });
        }
        Ok(Code { value, digits })
    }

    /// The numeric value.
    #[must_use]
    pub const fn value(&self) -> u64 {
        self.value
    }

    /// The number of digits it displays with.
    #[must_use]
    pub const fn digits(&self) -> Digits {
        self.digits
    }
}

impl fmt::Display for Code {
    /// Zero-padded to the configured number of digits.
    ///
    /// # Security
    /// A generated code is secret-derived until shown, so it is not handed to
    /// `core::fmt`'s integer formatter (a digit table indexed by the value, and a
    /// loop that stops early on small values): every one of the ten possible
    /// digits is computed by `code_text::digits` with constant-divisor
    /// arithmetic and written as `b'0' + digit`. Only the public digit count
    /// chooses how many are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = code_text::digits::<10, 10>(self.value, code_text::decimal_symbol);
        // Most significant first, then drop the leading digits beyond the
        // configured count (zeros, as the value is below `10^digits`).
        text.reverse();
        let start = text.len().saturating_sub(usize::from(self.digits.get()));
        let shown = text.get(start..).ok_or(fmt::Error)?;
        // The UTF-8 check branches only on each byte's top bit, clear for every
        // ASCII digit, so it takes the same path whatever the code.
        f.write_str(core::str::from_utf8(shown).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
// Test arithmetic on values below 10^10 cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn parse(s: &str) -> Result<u64, CodeError> {
        Code::parse(s, Digits::SIX).map(|c| c.value())
    }

    #[test]
    fn accepts_app_groupings() {
        for ok in ["711725", "711 725", "711-725", "7 1 1 7 2 5", "71-17-25"] {
            assert_eq!(parse(ok), Ok(711_725), "{ok}");
        }
        assert_eq!(parse("000001"), Ok(1));
    }

    #[test]
    fn rejects_everything_else() {
        let short = CodeError::Length {
            expected: 6,
            found: 5,
        };
        let long = CodeError::Length {
            expected: 6,
            found: 7,
        };
        let cases: [(&str, CodeError); 14] = [
            (
                "",
                CodeError::Length {
                    expected: 6,
                    found: 0,
                },
            ),
            ("71172", short),
            ("7117255", long),
            ("711  725", CodeError::MisplacedSeparator),
            (" 711725", CodeError::MisplacedSeparator),
            ("711725 ", CodeError::MisplacedSeparator),
            ("-711725", CodeError::MisplacedSeparator),
            ("+711725", CodeError::InvalidCharacter),
            ("71172a", CodeError::InvalidCharacter),
            ("７11725", CodeError::InvalidCharacter),
            ("711\t725", CodeError::InvalidCharacter),
            ("711_725", CodeError::InvalidCharacter),
            ("٧11725", CodeError::InvalidCharacter),
            ("99999999999999999999999", long),
        ];
        for (input, err) in cases {
            assert_eq!(parse(input), Err(err), "{input:?}");
        }
    }

    /// The values worth checking for `digits`: both ends, every power of ten and
    /// its neighbours (where a digit rolls over), and repeated digits.
    fn edge_values(digits: u32) -> alloc::vec::Vec<u64> {
        let limit = 10u64.pow(digits);
        let mut values = alloc::vec![0, 1, 9, limit - 1, limit - 2, limit / 2];
        for k in 1..digits {
            let power = 10u64.pow(k);
            values.extend([power - 1, power, power + 1]);
        }
        for repeated in 1..=9u64 {
            values.push((limit - 1) / 9 * repeated); // 111111, 222222, …
        }
        values
    }

    /// A fixed-seed SplitMix64 stream, so a failure reproduces.
    fn random_values(seed: u64) -> impl Iterator<Item = u64> {
        let mut state = seed;
        core::iter::repeat_with(move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
    }

    #[test]
    fn display_equals_the_std_formatter_for_every_digit_count() {
        for d in 6..=10u32 {
            let digits = Digits::new(d).unwrap();
            let width = usize::try_from(d).unwrap();
            let limit = 10u64.pow(d);
            // Miri (scripts/test-security.sh) runs this too, a thousand times slower:
            // the same kinds of values, fewer of each.
            let (random, small, low) = if cfg!(miri) {
                (200, 50, 100)
            } else {
                (50_000, 5_000, 2_000)
            };
            let values = edge_values(d)
                .into_iter()
                .chain(random_values(u64::from(d)).map(|v| v % limit).take(random))
                // Small values: the ones with leading zeros.
                .chain(random_values(!u64::from(d)).map(|v| v % 10_000).take(small))
                .chain(0..low);
            for value in values {
                let code = Code { value, digits };
                let std = alloc::format!("{value:0width$}");
                assert_eq!(code.to_string(), std, "{d} digits");
                assert_eq!(alloc::format!("{code}"), std);
                assert_eq!(Code::parse(&std, digits), Ok(code));
            }
        }
    }

    #[test]
    fn displays_leading_zeros() {
        let ten = Digits::new(10).unwrap();
        assert_eq!(Code::new(0, Digits::SIX).to_string(), "000000");
        assert_eq!(Code::new(7, Digits::EIGHT).to_string(), "00000007");
        assert_eq!(Code::new(99_999, Digits::SIX).to_string(), "099999");
        assert_eq!(Code::new(0, ten).to_string(), "0000000000");
        assert_eq!(Code::new(0x7fff_ffff, ten).to_string(), "2147483647");
        assert_eq!(
            Code::parse("0000000001", ten).unwrap().to_string(),
            "0000000001"
        );
    }

    #[test]
    fn displays_zero_padded() {
        let ten = Digits::new(10).unwrap();
        assert_eq!(Code::new(42, Digits::SIX).to_string(), "000042");
        assert_eq!(Code::new(42, ten).to_string(), "0000000042");
    }
}
