//! Plain values that cross the FFI by copy: [`Algorithm`], [`SecretPolicy`],
//! [`Window`], [`Match`], [`HotpConfig`], [`TotpConfig`], [`OtpKind`].

use crate::OtpError;

/// The HMAC hash function (RFC 6238 §1.2).
///
/// Nearly every authenticator app uses `SHA1`; use another only when the issuer
/// asks for it (the otpauth URI's `algorithm` parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Algorithm {
    /// HMAC-SHA-1, the RFC 4226 default.
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl From<Algorithm> for otpcore::Algorithm {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::Sha1 => otpcore::Algorithm::Sha1,
            Algorithm::Sha256 => otpcore::Algorithm::Sha256,
            Algorithm::Sha512 => otpcore::Algorithm::Sha512,
        }
    }
}

impl From<otpcore::Algorithm> for Algorithm {
    fn from(a: otpcore::Algorithm) -> Self {
        match a {
            otpcore::Algorithm::Sha1 => Algorithm::Sha1,
            otpcore::Algorithm::Sha256 => Algorithm::Sha256,
            otpcore::Algorithm::Sha512 => Algorithm::Sha512,
        }
    }
}

/// How short a secret may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SecretPolicy {
    /// At least 16 bytes (128 bits), as RFC 4226 R6 requires. The default.
    Strict,
    /// At least 10 bytes (80 bits). Many services still issue 80-bit secrets (a
    /// 16-character base32 string); accept them only to interoperate with those.
    Legacy,
}

impl From<SecretPolicy> for otpcore::SecretPolicy {
    fn from(p: SecretPolicy) -> Self {
        match p {
            SecretPolicy::Strict => otpcore::SecretPolicy::Strict,
            SecretPolicy::Legacy => otpcore::SecretPolicy::Legacy,
        }
    }
}

/// Which steps around the expected one a verification accepts: `behind` older
/// steps and `ahead` newer ones.
///
/// The default, one step either side, absorbs a few seconds of clock drift and
/// typing delay for TOTP (RFC 6238 §5.2). For HOTP use `behind = 0` and a small
/// look-ahead such as `ahead = 5` (RFC 4226 §7.4). `behind + ahead` may be at most
/// 1000, otherwise verification throws `WindowTooLarge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Window {
    /// Steps before the expected one that are still accepted.
    #[uniffi(default = 1)]
    pub behind: u64,
    /// Steps after the expected one that are still accepted.
    #[uniffi(default = 1)]
    pub ahead: u64,
}

impl Default for Window {
    /// One step either side, as the foreign-language default.
    fn default() -> Self {
        Window {
            behind: 1,
            ahead: 1,
        }
    }
}

impl From<Window> for otpcore::Window {
    fn from(w: Window) -> Self {
        otpcore::Window::new(w.behind, w.ahead)
    }
}

/// A successful verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Match {
    /// The TOTP time step or HOTP counter that matched. Store it and pass it back as
    /// `lastUsed` next time, so the same code cannot be accepted twice. For HOTP,
    /// the next expected counter is `step + 1`.
    pub step: u64,
    /// How far the match was from the expected step: negative when the user's
    /// device is behind, positive when it is ahead. Useful to detect clock drift.
    pub offset: i64,
}

impl From<otpcore::Match> for Match {
    fn from(m: otpcore::Match) -> Self {
        Match {
            step: m.step,
            offset: m.offset,
        }
    }
}

/// HOTP (counter-based, RFC 4226) parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HotpConfig {
    /// HMAC hash; RFC 4226 specifies SHA-1.
    pub algorithm: Algorithm,
    /// Code length, 6 to 10 digits.
    #[uniffi(default = 6)]
    pub digits: u32,
}

impl TryFrom<HotpConfig> for otpcore::HotpConfig {
    type Error = OtpError;

    fn try_from(c: HotpConfig) -> Result<Self, OtpError> {
        Ok(otpcore::HotpConfig {
            algorithm: c.algorithm.into(),
            digits: otpcore::Digits::new(c.digits)?,
        })
    }
}

impl From<otpcore::HotpConfig> for HotpConfig {
    fn from(c: otpcore::HotpConfig) -> Self {
        HotpConfig {
            algorithm: c.algorithm.into(),
            digits: u32::from(c.digits.get()),
        }
    }
}

/// TOTP (time-based, RFC 6238) parameters. Authenticator apps use SHA-1, 6 digits,
/// 30 seconds and `t0 = 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TotpConfig {
    /// HMAC hash.
    pub algorithm: Algorithm,
    /// Code length, 6 to 10 digits.
    #[uniffi(default = 6)]
    pub digits: u32,
    /// Seconds per time step; at least 1.
    #[uniffi(default = 30)]
    pub period: u64,
    /// Unix time (seconds) at which step 0 starts.
    #[uniffi(default = 0)]
    pub t0: u64,
}

impl TryFrom<TotpConfig> for otpcore::TotpConfig {
    type Error = OtpError;

    fn try_from(c: TotpConfig) -> Result<Self, OtpError> {
        Ok(otpcore::TotpConfig {
            algorithm: c.algorithm.into(),
            digits: otpcore::Digits::new(c.digits)?,
            period: otpcore::Period::new(c.period)?,
            t0: c.t0,
        })
    }
}

impl From<otpcore::TotpConfig> for TotpConfig {
    fn from(c: otpcore::TotpConfig) -> Self {
        TotpConfig {
            algorithm: c.algorithm.into(),
            digits: u32::from(c.digits.get()),
            period: c.period.get(),
            t0: c.t0,
        }
    }
}

/// What an otpauth URI describes: TOTP with its period, or HOTP with its counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum OtpKind {
    /// Time-based codes.
    Totp {
        /// Seconds per time step.
        period: u64,
    },
    /// Counter-based codes.
    Hotp {
        /// The counter of the next code.
        counter: u64,
    },
    /// Steam Guard: time-based (SHA-1, 30 s), codes of five characters. Use
    /// `KeyUri.toSteam()`.
    Steam,
}

impl From<otpcore::OtpKind> for OtpKind {
    fn from(k: otpcore::OtpKind) -> Self {
        match k {
            otpcore::OtpKind::Totp { period } => OtpKind::Totp {
                period: period.get(),
            },
            otpcore::OtpKind::Hotp { counter } => OtpKind::Hotp { counter },
            otpcore::OtpKind::Steam => OtpKind::Steam,
        }
    }
}
