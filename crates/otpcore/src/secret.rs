//! The shared secret: bytes in, never out except through [`Secret::expose_bytes`]
//! and [`Secret::expose_base32`].

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use data_encoding::Encoding;
use data_encoding_macro::new_encoding;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::Algorithm;

/// Base32 (RFC 4648 §6) as users paste it: case-insensitive, with spaces and hyphens
/// ignored. Trailing bits are not checked, because real services emit secrets whose
/// length is not a multiple of 5 bytes and authenticator apps accept them.
const BASE32_LENIENT: Encoding = new_encoding! {
    symbols: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    translate_from: "abcdefghijklmnopqrstuvwxyz",
    translate_to: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    ignore: " -",
    check_trailing_bits: false,
};

/// How short a secret may be.
///
/// RFC 4226 R6 requires at least 128 bits; that is the default. Many real services
/// still issue 80-bit (10-byte) secrets (Google's own examples do), so
/// [`SecretPolicy::Legacy`] accepts 10–15 bytes as well — opt in only to interoperate
/// with such issuers. Below 10 bytes is always refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretPolicy {
    /// At least [`Secret::MIN_LEN`] (16) bytes: RFC 4226 R6.
    #[default]
    Strict,
    /// At least [`Secret::MIN_LEGACY_LEN`] (10) bytes, for 80-bit secrets in the wild.
    Legacy,
}

impl SecretPolicy {
    /// The smallest secret length, in bytes, this policy accepts.
    #[must_use]
    pub const fn min_len(self) -> usize {
        match self {
            SecretPolicy::Strict => Secret::MIN_LEN,
            SecretPolicy::Legacy => Secret::MIN_LEGACY_LEN,
        }
    }
}

/// Why a secret was refused. Never contains the secret or the text it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The text is not base32: a character outside `A–Z`, `a–z`, `2–7`, space, hyphen
    /// and trailing `=`, or a length no base32 encoder produces.
    InvalidBase32,
    /// The secret is shorter than the policy allows.
    TooShort {
        /// Decoded length in bytes.
        len: usize,
        /// Minimum the policy accepts.
        min: usize,
    },
    /// The secret is longer than [`Secret::MAX_LEN`].
    TooLong {
        /// Decoded length in bytes.
        len: usize,
    },
    /// The operating system's random number generator failed.
    Rng,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::InvalidBase32 => f.write_str("secret is not valid base32"),
            SecretError::TooShort { len, min } => {
                write!(f, "secret is {len} bytes; at least {min} are required")
            }
            SecretError::TooLong { len } => write!(
                f,
                "secret is {len} bytes; at most {} are accepted",
                Secret::MAX_LEN
            ),
            SecretError::Rng => f.write_str("the system random number generator failed"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SecretError {}

/// An HOTP/TOTP shared secret.
///
/// # Security
/// - The bytes are wiped when the value is dropped ([`ZeroizeOnDrop`]).
/// - `Debug` prints `Secret(..)`; there is no `Display`.
/// - Equality is only available in constant time, through [`ConstantTimeEq`].
/// - The bytes leave the type only through the explicitly named
///   [`expose_bytes`](Secret::expose_bytes) and [`expose_base32`](Secret::expose_base32).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret {
    bytes: Vec<u8>,
}

impl Secret {
    /// Minimum length under [`SecretPolicy::Strict`]: 16 bytes (RFC 4226 R6).
    pub const MIN_LEN: usize = 16;
    /// Minimum length under [`SecretPolicy::Legacy`]: 10 bytes (80 bits).
    pub const MIN_LEGACY_LEN: usize = 10;
    /// Maximum length: 1024 bytes. Longer keys are hashed down by HMAC anyway; the cap
    /// keeps a hostile URI or paste from costing unbounded memory.
    pub const MAX_LEN: usize = 1024;

    /// A secret from raw bytes, under [`SecretPolicy::Strict`].
    ///
    /// # Errors
    /// [`SecretError::TooShort`] below 16 bytes, [`SecretError::TooLong`] above
    /// [`Secret::MAX_LEN`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SecretError> {
        Self::from_bytes_with_policy(bytes, SecretPolicy::Strict)
    }

    /// A secret from raw bytes, under the given policy.
    ///
    /// # Errors
    /// As [`Secret::from_bytes`], with the policy's minimum.
    pub fn from_bytes_with_policy(bytes: &[u8], policy: SecretPolicy) -> Result<Self, SecretError> {
        check_len(bytes.len(), policy)?;
        Ok(Secret {
            bytes: bytes.to_vec(),
        })
    }

    /// A secret from base32 text, under [`SecretPolicy::Strict`].
    ///
    /// Accepts what users paste from real services: any case, spaces and hyphens
    /// anywhere (`"jbsw y3dp-ehpk 3pxp"`), `=` padding optional at the end.
    ///
    /// # Errors
    /// [`SecretError::InvalidBase32`] for any other character or an impossible length;
    /// the length errors of [`Secret::from_bytes`]. The error never contains the text.
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        Self::from_base32_with_policy(text, SecretPolicy::Strict)
    }

    /// A secret from base32 text, under the given policy. See [`Secret::from_base32`].
    ///
    /// # Errors
    /// As [`Secret::from_base32`].
    pub fn from_base32_with_policy(text: &str, policy: SecretPolicy) -> Result<Self, SecretError> {
        // Padding is optional, and only at the end (possibly followed by separators).
        let unpadded = text.trim_end_matches(['=', ' ', '-']);
        let input = unpadded.as_bytes();
        let max = BASE32_LENIENT
            .decode_len(input.len())
            .map_err(|_| SecretError::InvalidBase32)?;
        // Decode straight into a buffer that is wiped however we leave this function.
        let mut buf = Zeroizing::new(vec![0u8; max]);
        let len = BASE32_LENIENT
            .decode_mut(input, &mut buf)
            .map_err(|_| SecretError::InvalidBase32)?;
        let decoded = buf.get(..len).ok_or(SecretError::InvalidBase32)?;
        Self::from_bytes_with_policy(decoded, policy)
    }

    /// A fresh secret from the operating system's CSPRNG, of the length RFC 4226 and
    /// RFC 6238 recommend for the algorithm: the hash output size (20, 32 or 64 bytes).
    ///
    /// # Errors
    /// [`SecretError::Rng`] if the OS generator fails.
    pub fn generate(algorithm: Algorithm) -> Result<Self, SecretError> {
        Self::generate_len(algorithm.output_len())
    }

    /// A fresh secret of `len` bytes from the operating system's CSPRNG.
    ///
    /// # Errors
    /// The length errors of [`Secret::from_bytes`] (strict policy); [`SecretError::Rng`].
    pub fn generate_len(len: usize) -> Result<Self, SecretError> {
        check_len(len, SecretPolicy::Strict)?;
        let mut bytes = vec![0u8; len];
        if getrandom::fill(&mut bytes).is_err() {
            bytes.zeroize();
            return Err(SecretError::Rng);
        }
        Ok(Secret { bytes })
    }

    /// Length in bytes (not secret).
    #[must_use]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always `false`: a secret holds at least [`Secret::MIN_LEGACY_LEN`] bytes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The raw secret bytes.
    ///
    /// # Security
    /// This is the secret. Do not log it; wipe any copy you make.
    #[must_use]
    pub fn expose_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The secret as unpadded upper-case base32, as otpauth URIs carry it, in a
    /// string that is wiped on drop.
    ///
    /// # Security
    /// This is the secret. Do not log it.
    #[must_use]
    pub fn expose_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&self.bytes))
    }
}

fn check_len(len: usize, policy: SecretPolicy) -> Result<(), SecretError> {
    let min = policy.min_len();
    if len < min {
        Err(SecretError::TooShort { len, min })
    } else if len > Secret::MAX_LEN {
        Err(SecretError::TooLong { len })
    } else {
        Ok(())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl ConstantTimeEq for Secret {
    /// Constant time in the contents; the lengths (not secret) may short-circuit,
    /// which `subtle`'s slice comparison documents.
    fn ct_eq(&self, other: &Self) -> Choice {
        self.bytes.as_slice().ct_eq(other.bytes.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_is_lenient_like_real_pastes() -> Result<(), SecretError> {
        let a = Secret::from_base32_with_policy("JBSWY3DPEHPK3PXP", SecretPolicy::Legacy)?;
        let b = Secret::from_base32_with_policy("jbsw y3dp-ehpk 3pxp", SecretPolicy::Legacy)?;
        let c = Secret::from_base32_with_policy("JBSWY3DPEHPK3PXP======", SecretPolicy::Legacy)?;
        assert!(bool::from(a.ct_eq(&b)));
        assert!(bool::from(a.ct_eq(&c)));
        assert_eq!(a.expose_bytes(), b"Hello!\xde\xad\xbe\xef");
        Ok(())
    }

    #[test]
    fn base32_rejects_other_characters() {
        for bad in [
            "JBSWY3DPEHPK3PX1",
            "JBSW=Y3DPEHPK3PXP",
            "JBSWY3DPEHPK3PXP!",
            "ÄBSWY3DPEHPK3PXP",
        ] {
            assert_eq!(
                Secret::from_base32_with_policy(bad, SecretPolicy::Legacy).err(),
                Some(SecretError::InvalidBase32),
                "{bad}"
            );
        }
    }

    #[test]
    fn length_policy() {
        let ten = [7u8; 10];
        assert_eq!(
            Secret::from_bytes(&ten).err(),
            Some(SecretError::TooShort { len: 10, min: 16 })
        );
        assert!(Secret::from_bytes_with_policy(&ten, SecretPolicy::Legacy).is_ok());
        assert_eq!(
            Secret::from_bytes_with_policy(&[7u8; 9], SecretPolicy::Legacy).err(),
            Some(SecretError::TooShort { len: 9, min: 10 })
        );
        assert!(Secret::from_bytes(&[1u8; 16]).is_ok());
        assert_eq!(
            Secret::from_bytes(&[1u8; 1025]).err(),
            Some(SecretError::TooLong { len: 1025 })
        );
    }

    #[test]
    fn generated_lengths_follow_the_algorithm() -> Result<(), SecretError> {
        assert_eq!(Secret::generate(Algorithm::Sha1)?.len(), 20);
        assert_eq!(Secret::generate(Algorithm::Sha256)?.len(), 32);
        assert_eq!(Secret::generate(Algorithm::Sha512)?.len(), 64);
        let a = Secret::generate(Algorithm::Sha1)?;
        let b = Secret::generate(Algorithm::Sha1)?;
        assert!(!bool::from(a.ct_eq(&b)));
        Ok(())
    }

    #[test]
    fn debug_is_redacted_and_base32_round_trips() -> Result<(), SecretError> {
        let s = Secret::from_bytes(b"12345678901234567890")?;
        assert_eq!(alloc::format!("{s:?}"), "Secret(..)");
        let again = Secret::from_base32(&s.expose_base32())?;
        assert!(bool::from(s.ct_eq(&again)));
        Ok(())
    }
}
