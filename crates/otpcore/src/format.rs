//! `Format`: how a one-time password is written, decimal digits ([`Code`]) or
//! Steam's five characters ([`SteamCode`]). HOTP, TOTP and Steam compute the same
//! truncated HMAC (RFC 4226 §5.3); only this last step differs, so one window
//! scan (`scan::scan`) and one batch path serve every format.

use crate::modulus::Modulus;
use crate::plain_digits::PlainDigits;
use crate::{Code, CodeError, Digits, SteamCode};

/// The code format of a verification: what input text is accepted, and how a
/// 31-bit truncated HMAC value becomes a code value to compare it with.
///
/// Made once per credential (a [`Totp`](crate::Totp) or [`Hotp`](crate::Hotp)
/// keeps its own; Steam's is [`Format::STEAM`]) and passed by reference: the
/// modulus is looked up once, not on every verification (a table lookup, a
/// bounds check and a register more to pass into the scan, on the path measured
/// against the bare kernel: README, "Close to the limit").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Format {
    text: Text,
    /// The modulus of the code values: `10^digits` or `26^5`.
    modulus: Modulus,
    /// The fast reader of plain digits (`PlainDigits::NONE` for Steam).
    plain: PlainDigits,
}

/// How a code is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Text {
    /// `digits` decimal digits, as [`Code::parse`] reads them.
    Decimal(Digits),
    /// Five characters of [`SteamCode::ALPHABET`], as [`SteamCode::parse`] reads
    /// them.
    Steam,
}

impl Format {
    /// Steam's five characters.
    pub(crate) const STEAM: Format = Format {
        text: Text::Steam,
        modulus: SteamCode::MODULUS,
        plain: PlainDigits::NONE,
    };

    /// `digits` decimal digits.
    pub(crate) const fn decimal(digits: Digits) -> Self {
        Format {
            text: Text::Decimal(digits),
            modulus: digits.modulus(),
            plain: PlainDigits::of(digits),
        }
    }

    /// The value of the code the user typed, in the same numbering as
    /// [`Format::reduce`]: a [`Code::value`] or a [`SteamCode::value`].
    ///
    /// # Errors
    /// As [`Code::parse`] or [`SteamCode::parse`]: [`CodeError`] for input that is
    /// not a well-formed code of this format.
    ///
    /// # Security
    /// Branches on the input, which the person typing it already knows; never
    /// sees the secret.
    #[inline(always)]
    pub(crate) fn parse(&self, input: &str) -> Result<u64, CodeError> {
        if let Some(value) = self.plain.read(input) {
            return Ok(value);
        }
        self.parse_slow(input)
    }

    #[inline(never)]
    #[cold]
    fn parse_slow(&self, input: &str) -> Result<u64, CodeError> {
        match self.text {
            // Not plain digits (the fast reader above said no): separators,
            // another length, or not a code; `Code::parse` reads it or names
            // the error.
            Text::Decimal(digits) => Code::parse(input, digits).map(|code| code.value()),
            Text::Steam => SteamCode::parse(input).map(|code| u64::from(code.value())),
        }
    }

    /// The code value of a truncated HMAC: `truncated mod 10^digits`, or
    /// `truncated mod 26^5` for Steam.
    ///
    /// # Security
    /// `truncated` is secret-derived: [`Modulus::reduce`], two multiplications
    /// with no branch or division.
    #[inline(always)]
    pub(crate) fn reduce(&self, truncated: u32) -> u64 {
        u64::from(self.modulus.reduce(truncated))
    }

    /// The modulus of this format's code values: `10^digits` or `26^5`.
    #[inline]
    pub(crate) fn modulus(&self) -> Modulus {
        self.modulus
    }
}

#[cfg(test)]
mod tests {
    use super::Format;
    use crate::{Code, Digits, SteamCode};

    #[test]
    fn parse_and_reduce_agree_with_the_code_types() {
        for truncated in [
            0u32,
            1,
            999_999,
            1_000_000,
            11_881_376,
            1_284_755_224,
            0x7fff_ffff,
        ] {
            for d in 6..=10u32 {
                let digits = Digits::new(d).unwrap();
                let format = Format::decimal(digits);
                let value = format.reduce(truncated);
                assert_eq!(value, u64::from(truncated) % 10u64.pow(d));
                let text = alloc::format!("{:0width$}", value, width = d as usize);
                assert_eq!(format.parse(&text), Ok(value));
                assert_eq!(
                    format.parse(&text),
                    Code::parse(&text, digits).map(|c| c.value())
                );
            }
            let value = Format::STEAM.reduce(truncated);
            assert_eq!(value, u64::from(truncated % 11_881_376));
            let code = SteamCode::from_truncated(truncated);
            assert_eq!(
                Format::STEAM.parse(&alloc::string::ToString::to_string(&code)),
                Ok(value)
            );
        }
    }

    #[test]
    fn each_format_refuses_the_others_text() {
        assert!(Format::STEAM.parse("287082").is_err());
        assert!(Format::decimal(Digits::SIX).parse("PV9M4").is_err());
    }
}
