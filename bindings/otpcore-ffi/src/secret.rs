//! [`Secret`]: the shared key, in native memory that is wiped when released.

use std::fmt;
use std::sync::Arc;

use otpcore::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::{Algorithm, OtpError, SecretPolicy};

/// An HOTP/TOTP shared secret.
///
/// The key bytes live in native memory and are wiped when this object is released:
/// call `close()` (Kotlin, or `use { }`), or drop the last reference (Swift, Python).
/// The secret leaves the object only through `exposeBase32()`; printing the
/// object shows `Secret(..)`, and `==` compares in constant time.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct Secret {
    pub(crate) inner: otpcore::Secret,
}

impl Secret {
    pub(crate) fn wrap(inner: otpcore::Secret) -> Arc<Self> {
        Arc::new(Secret { inner })
    }
}

#[uniffi::export]
impl Secret {
    /// A secret from raw key bytes. Requires at least 16 bytes (RFC 4226 R6).
    ///
    /// The bytes are copied into native memory; the native buffers that carried
    /// them across the call are wiped when freed. Your own array, and any copy
    /// your runtime made while passing it, are yours to clear.
    ///
    /// # Errors
    /// `SecretTooShort` below 16 bytes, `SecretTooLong` above 1024.
    #[uniffi::constructor]
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Arc<Self>, OtpError> {
        Self::from_bytes_with_policy(bytes, SecretPolicy::Strict)
    }

    /// A secret from raw key bytes under a length policy; `LEGACY` also accepts the
    /// 10-byte secrets many services still issue.
    ///
    /// # Errors
    /// `SecretTooShort` below the policy's minimum, `SecretTooLong` above 1024 bytes.
    #[uniffi::constructor]
    pub fn from_bytes_with_policy(
        bytes: Vec<u8>,
        policy: SecretPolicy,
    ) -> Result<Arc<Self>, OtpError> {
        let bytes = Zeroizing::new(bytes);
        let inner = otpcore::Secret::from_bytes_with_policy(&bytes, policy.into())?;
        Ok(Self::wrap(inner))
    }

    /// A secret from the base32 text that services show next to their QR code.
    /// Accepts it as users paste it: any case, spaces and hyphens anywhere,
    /// optional `=` padding. Requires at least 16 bytes (26 base32 characters).
    ///
    /// # Errors
    /// `InvalidBase32`, `SecretTooShort`, `SecretTooLong`. The error never contains
    /// the text.
    #[uniffi::constructor]
    pub fn from_base32(text: String) -> Result<Arc<Self>, OtpError> {
        Self::from_base32_with_policy(text, SecretPolicy::Strict)
    }

    /// As `fromBase32`, under a length policy; `LEGACY` also accepts
    /// 16-character (80-bit) secrets such as `JBSWY3DPEHPK3PXP`.
    ///
    /// # Errors
    /// `InvalidBase32`, `SecretTooShort`, `SecretTooLong`.
    #[uniffi::constructor]
    pub fn from_base32_with_policy(
        text: String,
        policy: SecretPolicy,
    ) -> Result<Arc<Self>, OtpError> {
        let text = Zeroizing::new(text);
        let inner = otpcore::Secret::from_base32_with_policy(&text, policy.into())?;
        Ok(Self::wrap(inner))
    }

    /// A fresh random secret for enrolling a user, from the operating system's
    /// CSPRNG, as long as the algorithm's hash output (20, 32 or 64 bytes).
    ///
    /// # Errors
    /// `RandomFailed` if the OS random number generator fails.
    #[uniffi::constructor]
    pub fn generate(algorithm: Algorithm) -> Result<Arc<Self>, OtpError> {
        Ok(Self::wrap(otpcore::Secret::generate(algorithm.into())?))
    }

    /// The key length in bytes (not secret).
    pub fn byte_count(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// The secret as unpadded upper-case base32, for showing it to a user during
    /// enrolment or storing it in the platform keystore.
    ///
    /// # Security
    /// This is the secret. Do not log it. The native buffer that carries it across
    /// is wiped when freed, but the returned string lives in your runtime's
    /// memory, which otpcore cannot wipe: keep it short-lived.
    pub fn expose_base32(&self) -> String {
        String::from(self.inner.expose_base32().as_str())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl PartialEq for Secret {
    /// Constant time in the key bytes (the lengths, which are not secret, may
    /// short-circuit).
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.inner.ct_eq(&other.inner))
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_base32_round_trips() -> Result<(), OtpError> {
        let s = Secret::from_bytes(b"12345678901234567890".to_vec())?;
        assert_eq!(format!("{s:?}"), "Secret(..)");
        assert_eq!(s.expose_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(*Secret::from_base32(s.expose_base32())?, *s);
        assert_eq!(s.byte_count(), 20);
        Ok(())
    }

    #[test]
    fn errors_do_not_echo_the_input() {
        let err = Secret::from_base32("NOT*BASE32SECRETTEXT".into()).err();
        assert!(matches!(err, Some(OtpError::InvalidBase32)));
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(!msg.contains("NOT*BASE32"), "{msg}");
    }
}
