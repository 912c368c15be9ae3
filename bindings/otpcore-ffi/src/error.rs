//! [`OtpError`]: the single error type every fallible export throws.

use core::fmt;

use otpcore::{
    CodeError, ExportError, MigrationError, ParamError, QrError, SecretError, TimeError, UriError,
    VerifyError,
};

/// Why an otpcore call failed.
///
/// Thrown as `OtpException` in Kotlin (one subclass per case, e.g.
/// `OtpException.Mismatch`), as the `OtpError` enum in Swift, and as `OtpError`
/// subclasses in Python (e.g. `OtpError.Mismatch`). Every case carries a
/// human-readable message for logs.
///
/// # Security
/// Messages describe what was wrong, never the value: they contain no secret, no
/// code the user typed and no URI. They are safe to log.
#[derive(Debug, uniffi::Error)]
#[uniffi(flat_error)]
pub enum OtpError {
    /// The secret text is not base32 (RFC 4648 §6): a character other than `A–Z`,
    /// `a–z`, `2–7`, spaces, hyphens and trailing `=`, or an impossible length.
    InvalidBase32,
    /// The secret is shorter than the policy allows: 16 bytes by default
    /// (RFC 4226 R6), 10 bytes under `SecretPolicy.LEGACY`.
    SecretTooShort(SecretError),
    /// The secret is longer than 1024 bytes.
    SecretTooLong(SecretError),
    /// The operating system's random number generator failed.
    RandomFailed,
    /// The number of digits is outside 6..=10.
    InvalidDigits(ParamError),
    /// The TOTP period is 0 seconds.
    InvalidPeriod,
    /// An algorithm name other than SHA1, SHA256 or SHA512.
    UnknownAlgorithm,
    /// The code the user typed is not a well-formed code (wrong number of digits,
    /// letters, misplaced spaces). This is a typing error, not a wrong code.
    MalformedCode(CodeError),
    /// The code is well formed but no step in the window produces it.
    Mismatch,
    /// The code matches only a step at or before `lastUsed`: it was already used
    /// (RFC 6238 §5.2). Treat it like a wrong code, and consider alerting the user.
    Replayed,
    /// `behind + ahead` of the window exceeds 1000 steps.
    WindowTooLarge,
    /// The time is earlier than the TOTP configuration's `t0`.
    BeforeT0,
    /// The device clock reads earlier than 1970-01-01 (only from the `…Now` calls).
    ClockBeforeUnixEpoch,
    /// A credential id that is empty, longer than 200 characters, or holds a space,
    /// a brace or a non-ASCII character.
    InvalidCredentialId(otpcore_guard::store::CredentialIdError),
    /// A `VerifierConfig` out of range; the message says which setting.
    InvalidConfig(otpcore_guard::ConfigError),
    /// The stateful verifier's state could not be read or written.
    StoreUnavailable(otpcore_guard::store::StoreError),
    /// The text is not a usable `otpauth://` URI; the message says which part is wrong.
    InvalidUri(UriError),
    /// The URI is too long for a QR code (a very long issuer or account name).
    QrTooLong,
    /// The PNG scale is outside 1 to 64 pixels per module.
    InvalidQrScale,
    /// The text is not a usable Google Authenticator export; the message says what
    /// is wrong and, for a bad account, its position in the export.
    InvalidMigration(MigrationError),
    /// Accounts that cannot be exported to Google Authenticator (7, 9 or 10
    /// digits, a period other than 30 s, a counter above 2^63 - 1: the message
    /// gives the account's position), or a batch size of 0.
    InvalidExport(ExportError),
    /// An error this version of the bindings does not know by name; the message says
    /// what happened.
    Other(String),
}

impl fmt::Display for OtpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OtpError::InvalidBase32 => SecretError::InvalidBase32.fmt(f),
            OtpError::SecretTooShort(e) | OtpError::SecretTooLong(e) => e.fmt(f),
            OtpError::RandomFailed => SecretError::Rng.fmt(f),
            OtpError::InvalidDigits(e) => e.fmt(f),
            OtpError::InvalidPeriod => ParamError::ZeroPeriod.fmt(f),
            OtpError::UnknownAlgorithm => ParamError::UnknownAlgorithm.fmt(f),
            OtpError::MalformedCode(e) => VerifyError::Malformed(*e).fmt(f),
            OtpError::Mismatch => VerifyError::Mismatch.fmt(f),
            OtpError::Replayed => VerifyError::Replayed.fmt(f),
            OtpError::WindowTooLarge => VerifyError::WindowTooLarge.fmt(f),
            OtpError::InvalidCredentialId(e) => e.fmt(f),
            OtpError::InvalidConfig(e) => e.fmt(f),
            OtpError::StoreUnavailable(e) => e.fmt(f),
            OtpError::BeforeT0 => TimeError::BeforeT0.fmt(f),
            OtpError::ClockBeforeUnixEpoch => TimeError::ClockBeforeUnixEpoch.fmt(f),
            OtpError::InvalidUri(e) => e.fmt(f),
            OtpError::QrTooLong => QrError::TooLong.fmt(f),
            OtpError::InvalidQrScale => QrError::Scale.fmt(f),
            OtpError::InvalidMigration(e) => e.fmt(f),
            OtpError::InvalidExport(e) => e.fmt(f),
            OtpError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for OtpError {}

// The core's error enums are `#[non_exhaustive]`: a case added there later lands in
// `Other` with the core's (secret-free) message until it gets a name here.

impl From<SecretError> for OtpError {
    fn from(e: SecretError) -> Self {
        match e {
            SecretError::InvalidBase32 => OtpError::InvalidBase32,
            SecretError::TooShort { .. } => OtpError::SecretTooShort(e),
            SecretError::TooLong { .. } => OtpError::SecretTooLong(e),
            SecretError::Rng => OtpError::RandomFailed,
            _ => OtpError::Other(e.to_string()),
        }
    }
}

impl From<ParamError> for OtpError {
    fn from(e: ParamError) -> Self {
        match e {
            ParamError::Digits(_) => OtpError::InvalidDigits(e),
            ParamError::ZeroPeriod => OtpError::InvalidPeriod,
            ParamError::UnknownAlgorithm => OtpError::UnknownAlgorithm,
            _ => OtpError::Other(e.to_string()),
        }
    }
}

impl From<TimeError> for OtpError {
    fn from(e: TimeError) -> Self {
        match e {
            TimeError::BeforeT0 => OtpError::BeforeT0,
            TimeError::ClockBeforeUnixEpoch => OtpError::ClockBeforeUnixEpoch,
            _ => OtpError::Other(e.to_string()),
        }
    }
}

impl From<VerifyError> for OtpError {
    fn from(e: VerifyError) -> Self {
        match e {
            VerifyError::Malformed(c) => OtpError::MalformedCode(c),
            VerifyError::Mismatch => OtpError::Mismatch,
            VerifyError::Replayed => OtpError::Replayed,
            VerifyError::WindowTooLarge => OtpError::WindowTooLarge,
            VerifyError::Time(t) => t.into(),
            _ => OtpError::Other(e.to_string()),
        }
    }
}

impl From<UriError> for OtpError {
    fn from(e: UriError) -> Self {
        OtpError::InvalidUri(e)
    }
}

impl From<QrError> for OtpError {
    fn from(e: QrError) -> Self {
        match e {
            QrError::TooLong => OtpError::QrTooLong,
            QrError::Scale => OtpError::InvalidQrScale,
            _ => OtpError::Other(e.to_string()),
        }
    }
}

impl From<ExportError> for OtpError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Random => OtpError::RandomFailed,
            _ => OtpError::InvalidExport(e),
        }
    }
}

impl From<MigrationError> for OtpError {
    fn from(e: MigrationError) -> Self {
        OtpError::InvalidMigration(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_the_core() {
        let short = SecretError::TooShort { len: 3, min: 16 };
        assert_eq!(OtpError::from(short).to_string(), short.to_string());
        assert_eq!(
            OtpError::from(VerifyError::Replayed).to_string(),
            "code was already used"
        );
        assert!(matches!(
            OtpError::from(VerifyError::Time(TimeError::BeforeT0)),
            OtpError::BeforeT0
        ));
    }
}
