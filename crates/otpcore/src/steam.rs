//! [`Steam`]: Steam Guard codes, TOTP (SHA-1, 30 s) shown as five characters of
//! Steam's 26-symbol alphabet instead of decimal digits.

use core::fmt;

use crate::code_text;
use crate::mac::KeyedMac;
use crate::verify::scan_with;
use crate::{Algorithm, CodeError, Match, Period, Secret, TimeError, VerifyError, Window};

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
    /// `truncated` is secret-derived; the modulus is a constant, so the compiler
    /// emits a multiply and shift, not a `div` with operand-dependent latency.
    pub(crate) const fn from_truncated(truncated: u32) -> Self {
        SteamCode {
            value: truncated % MODULUS,
        }
    }

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
    /// [`Steam::verify_at`].
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

/// A Steam Guard generator and verifier for one secret: TOTP with HMAC-SHA-1, a
/// 30-second step from the Unix epoch, and [`SteamCode`] output (what pyotp's
/// `contrib.Steam`, steamguard-cli and Aegis compute).
///
/// The secret is Steam's `shared_secret`; it is usually distributed in base64,
/// so decode it and use [`Secret::from_bytes`] (it is 20 bytes).
///
/// ```
/// use otpcore::{Secret, Steam, Window};
/// let secret = Secret::from_bytes(b"12345678901234567890")?;
/// let steam = Steam::new(&secret);
/// let code = steam.generate_at(59)?;
/// assert_eq!(code.to_string(), "PV9M4");
/// let m = steam.verify_at("pv9m4", 59 + 30, Window::default(), None)?;
/// assert_eq!((m.step, m.offset), (1, -1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Steam {
    mac: KeyedMac,
}

impl Steam {
    /// Steam's fixed time step.
    pub const PERIOD: Period = Period::THIRTY;

    /// Keys HMAC-SHA-1 once; every later code reuses the keyed state.
    #[must_use]
    pub fn new(secret: &Secret) -> Self {
        Steam {
            mac: KeyedMac::new(secret, Algorithm::Sha1),
        }
    }

    /// The time step containing unix time `at`: `at / 30`. Never fails; the
    /// `Result` matches [`Totp::step_at`](crate::Totp::step_at).
    ///
    /// # Errors
    /// None today (Steam's epoch is 0).
    pub fn step_at(&self, at: u64) -> Result<u64, TimeError> {
        Ok(at / Self::PERIOD.non_zero())
    }

    /// The code for time step `step`.
    #[must_use]
    pub fn generate_step(&self, step: u64) -> SteamCode {
        SteamCode::from_truncated(self.mac.truncated(step))
    }

    /// The code at unix time `at`.
    ///
    /// # Errors
    /// As [`Steam::step_at`].
    pub fn generate_at(&self, at: u64) -> Result<SteamCode, TimeError> {
        Ok(self.generate_step(self.step_at(at)?))
    }

    /// Checks `input` (case-insensitive, see [`SteamCode::parse`]) at unix time
    /// `at` against the steps in `window`, refusing steps `<= last_used`.
    ///
    /// # Errors
    /// [`VerifyError::Malformed`], [`VerifyError::Mismatch`],
    /// [`VerifyError::Replayed`], [`VerifyError::WindowTooLarge`].
    ///
    /// # Security
    /// The same scan as [`Totp::verify_at`](crate::Totp::verify_at): every step
    /// in the window is computed and compared with `subtle`, without early exit;
    /// the comparison is of numeric values, so no secret-derived value is ever
    /// turned into characters. A Steam code has `26^5 ≈ 2^23.5` values (a 6-digit
    /// code has `2^19.9`).
    pub fn verify_at(
        &self,
        input: &str,
        at: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        let expected = self.step_at(at)?;
        scan_with(
            &self.mac,
            input,
            |text| SteamCode::parse(text).map(|code| u64::from(code.value)),
            |truncated| u64::from(SteamCode::from_truncated(truncated).value),
            expected,
            window,
            last_used,
        )
    }

    /// The code now, by the system clock.
    ///
    /// # Errors
    /// [`TimeError::ClockBeforeUnixEpoch`].
    #[cfg(feature = "std")]
    pub fn generate_now(&self) -> Result<SteamCode, TimeError> {
        self.generate_at(crate::unix_now()?)
    }

    /// [`Steam::verify_at`] now, by the system clock.
    ///
    /// # Errors
    /// As [`Steam::verify_at`].
    #[cfg(feature = "std")]
    pub fn verify_now(
        &self,
        input: &str,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        self.verify_at(input, crate::unix_now()?, window, last_used)
    }
}

impl fmt::Debug for Steam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Steam").finish_non_exhaustive()
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
