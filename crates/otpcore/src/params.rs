//! Checked parameters: [`Algorithm`], [`Digits`], [`Period`].

use core::fmt;
use core::num::NonZeroU64;
use core::str::FromStr;

use crate::modulus::Modulus;

/// Why a parameter was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamError {
    /// Digits outside 6..=10 (the value given, saturated to `u32`).
    Digits(u32),
    /// A TOTP period of zero seconds.
    ZeroPeriod,
    /// An algorithm name other than SHA1, SHA256, SHA512.
    UnknownAlgorithm,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::Digits(d) => write!(f, "digits must be 6 to 10, not {d}"),
            ParamError::ZeroPeriod => f.write_str("period must be at least 1 second"),
            ParamError::UnknownAlgorithm => {
                f.write_str("algorithm must be one of SHA1, SHA256, SHA512")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParamError {}

/// The HMAC hash function (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// HMAC-SHA-1, the RFC 4226 default and what nearly every authenticator app uses.
    #[default]
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl Algorithm {
    /// Every hash function, in the order of [`Algorithm::index`].
    pub(crate) const ALL: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    /// Its place in [`Algorithm::ALL`]: the index of the per-hash-function
    /// tables (the plans, the batch's measured work).
    pub(crate) const fn index(self) -> usize {
        match self {
            Algorithm::Sha1 => 0,
            Algorithm::Sha256 => 1,
            Algorithm::Sha512 => 2,
        }
    }

    /// Hash output length in bytes (20, 32, 64); also the recommended secret length.
    #[must_use]
    pub const fn output_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    /// The name otpauth URIs use: `SHA1`, `SHA256`, `SHA512`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = ParamError;

    /// Case-insensitive `SHA1`/`SHA-1`, `SHA256`/`SHA-256`, `SHA512`/`SHA-512`.
    fn from_str(s: &str) -> Result<Self, ParamError> {
        const NAMES: [(&str, Algorithm); 6] = [
            ("SHA1", Algorithm::Sha1),
            ("SHA-1", Algorithm::Sha1),
            ("SHA256", Algorithm::Sha256),
            ("SHA-256", Algorithm::Sha256),
            ("SHA512", Algorithm::Sha512),
            ("SHA-512", Algorithm::Sha512),
        ];
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|&(_, alg)| alg)
            .ok_or(ParamError::UnknownAlgorithm)
    }
}

/// Number of code digits: 6 to 10 (RFC 4226 §5.3 requires at least 6; a 31-bit
/// truncated value has at most 10 decimal digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digits(u8);

impl Digits {
    /// Six digits, what authenticator apps show.
    pub const SIX: Digits = Digits(6);
    /// Eight digits.
    pub const EIGHT: Digits = Digits(8);

    /// Checked constructor.
    ///
    /// # Errors
    /// [`ParamError::Digits`] outside 6..=10.
    pub const fn new(digits: u32) -> Result<Self, ParamError> {
        if digits >= 6 && digits <= 10 {
            // In range, so the narrowing is exact.
            #[allow(clippy::cast_possible_truncation)]
            Ok(Digits(digits as u8))
        } else {
            Err(ParamError::Digits(digits))
        }
    }

    /// The number of digits.
    #[must_use]
    pub const fn get(self) -> u8 {
        self.0
    }

    /// `value mod 10^digits`.
    ///
    /// # Security
    /// `value` is derived from the HMAC of the secret: reduced by
    /// [`Modulus::reduce`], two multiplications, no division and no branch. The
    /// `match` in [`Digits::modulus`] is on the (public) digit count.
    #[must_use]
    pub(crate) fn reduce(self, value: u32) -> u32 {
        self.modulus().reduce(value)
    }

    /// `10^digits` with its reciprocal, for reducing many values by it.
    pub(crate) const fn modulus(self) -> Modulus {
        match self.0 {
            6 => const { Modulus::new(1_000_000) },
            7 => const { Modulus::new(10_000_000) },
            8 => const { Modulus::new(100_000_000) },
            9 => const { Modulus::new(1_000_000_000) },
            // 10^10 exceeds 2^31 > any truncated value: the value is the code,
            // and a modulus of 2^31 leaves it as it is.
            _ => const { Modulus::new(1 << 31) },
        }
    }
}

impl Default for Digits {
    fn default() -> Self {
        Digits::SIX
    }
}

impl fmt::Display for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A TOTP time step in seconds: any positive number (RFC 6238 §4.1 `X`, default 30).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period(NonZeroU64);

impl Period {
    /// Thirty seconds, the RFC 6238 default.
    pub const THIRTY: Period = Period(NonZeroU64::MIN.saturating_add(29));

    /// Checked constructor.
    ///
    /// # Errors
    /// [`ParamError::ZeroPeriod`] for 0.
    pub const fn new(seconds: u64) -> Result<Self, ParamError> {
        match NonZeroU64::new(seconds) {
            Some(p) => Ok(Period(p)),
            None => Err(ParamError::ZeroPeriod),
        }
    }

    /// The period in seconds.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0.get()
    }

    pub(crate) const fn non_zero(self) -> NonZeroU64 {
        self.0
    }
}

impl Default for Period {
    fn default() -> Self {
        Period::THIRTY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_range() {
        for d in 0..6 {
            assert_eq!(Digits::new(d), Err(ParamError::Digits(d)));
        }
        for d in 6..=10 {
            assert_eq!(Digits::new(d).map(Digits::get), Ok(d as u8));
        }
        assert_eq!(Digits::new(11), Err(ParamError::Digits(11)));
        assert_eq!(Digits::new(u32::MAX), Err(ParamError::Digits(u32::MAX)));
    }

    #[test]
    fn reduce_matches_division() {
        for value in [0u32, 1, 999_999, 1_000_000, 1_284_755_224, 0x7fff_ffff] {
            for d in 6..=10u32 {
                let digits = Digits::new(d).unwrap();
                assert_eq!(
                    u64::from(digits.reduce(value)),
                    u64::from(value) % 10u64.pow(d)
                );
            }
        }
    }

    #[test]
    fn algorithm_names() {
        assert_eq!("sha1".parse(), Ok(Algorithm::Sha1));
        assert_eq!("SHA-256".parse(), Ok(Algorithm::Sha256));
        assert_eq!("Sha512".parse(), Ok(Algorithm::Sha512));
        assert_eq!(
            "md5".parse::<Algorithm>(),
            Err(ParamError::UnknownAlgorithm)
        );
        assert_eq!(Period::THIRTY.get(), 30);
        assert_eq!(Period::new(0), Err(ParamError::ZeroPeriod));
    }
}
