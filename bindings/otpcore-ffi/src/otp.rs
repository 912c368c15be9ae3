//! [`Hotp`] and [`Totp`]: generators and verifiers for one secret.

use std::fmt;
use std::sync::Arc;

use crate::{HotpConfig, Match, OtpError, Secret, TotpConfig, Window};

/// Counter-based one-time passwords (HOTP, RFC 4226) for one secret.
///
/// The key is absorbed into HMAC state when the object is built; the `Secret` can be
/// released afterwards. Safe to share between threads.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Hotp {
    pub(crate) inner: otpcore::Hotp,
}

#[uniffi::export]
impl Hotp {
    /// HOTP with the standard parameters: SHA-1, 6 digits.
    #[uniffi::constructor]
    pub fn new(secret: Arc<Secret>) -> Arc<Self> {
        Arc::new(Hotp {
            inner: otpcore::Hotp::new(&secret.inner, otpcore::HotpConfig::default()),
        })
    }

    /// HOTP with explicit parameters.
    ///
    /// # Errors
    /// `InvalidDigits` unless `config.digits` is 6 to 10.
    #[uniffi::constructor]
    pub fn with_config(secret: Arc<Secret>, config: HotpConfig) -> Result<Arc<Self>, OtpError> {
        Ok(Arc::new(Hotp {
            inner: otpcore::Hotp::new(&secret.inner, config.try_into()?),
        }))
    }

    /// The parameters.
    pub fn config(&self) -> HotpConfig {
        self.inner.config().into()
    }

    /// The code for `counter`, zero-padded (`"007081"`).
    pub fn generate(&self, counter: u64) -> String {
        self.inner.generate(counter).to_string()
    }

    /// Checks a code the user typed against the counters `counter - window.behind`
    /// to `counter + window.ahead`, refusing counters `<= lastUsed`.
    ///
    /// Spaces or hyphens between digit groups are accepted (`"287 082"`). On success,
    /// store `match.step + 1` as the next expected counter (RFC 4226 §7.2) before
    /// accepting the login.
    ///
    /// # Errors
    /// `Mismatch` for a wrong code, `Replayed` for an already used one,
    /// `MalformedCode` for input that is not a code, `WindowTooLarge`.
    ///
    /// # Security
    /// Takes the same time wherever (and whether) the code matches in the window.
    #[uniffi::method(default(last_used))]
    pub fn verify(
        &self,
        code: String,
        counter: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, OtpError> {
        Ok(self
            .inner
            .verify(&code, counter, window.into(), last_used)?
            .into())
    }
}

impl fmt::Debug for Hotp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// Time-based one-time passwords (TOTP, RFC 6238) for one secret.
///
/// Times are Unix seconds. The `…At` calls take the time as an argument (use them in
/// tests and on servers with their own clock); the `…Now` calls read the device
/// clock. Safe to share between threads.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Totp {
    pub(crate) inner: otpcore::Totp,
}

#[uniffi::export]
impl Totp {
    /// TOTP with the parameters every authenticator app uses: SHA-1, 6 digits, 30 s.
    #[uniffi::constructor]
    pub fn new(secret: Arc<Secret>) -> Arc<Self> {
        Arc::new(Totp {
            inner: otpcore::Totp::new(&secret.inner, otpcore::TotpConfig::default()),
        })
    }

    /// TOTP with explicit parameters.
    ///
    /// # Errors
    /// `InvalidDigits` unless `config.digits` is 6 to 10, `InvalidPeriod` for a
    /// period of 0.
    #[uniffi::constructor]
    pub fn with_config(secret: Arc<Secret>, config: TotpConfig) -> Result<Arc<Self>, OtpError> {
        Ok(Arc::new(Totp {
            inner: otpcore::Totp::new(&secret.inner, config.try_into()?),
        }))
    }

    /// The parameters.
    pub fn config(&self) -> TotpConfig {
        self.inner.config().into()
    }

    /// The time step containing Unix time `at`: `(at - t0) / period`.
    ///
    /// # Errors
    /// `BeforeT0` when `at` is earlier than `t0`.
    pub fn step_at(&self, at: u64) -> Result<u64, OtpError> {
        Ok(self.inner.step_at(at)?)
    }

    /// The code at Unix time `at`, zero-padded.
    ///
    /// # Errors
    /// `BeforeT0` when `at` is earlier than `t0`.
    pub fn generate_at(&self, at: u64) -> Result<String, OtpError> {
        Ok(self.inner.generate_at(at)?.to_string())
    }

    /// The code now, by the device clock, zero-padded.
    ///
    /// # Errors
    /// `ClockBeforeUnixEpoch` or `BeforeT0` for a clock set absurdly early.
    pub fn generate_now(&self) -> Result<String, OtpError> {
        Ok(self.inner.generate_now()?.to_string())
    }

    /// Checks a code the user typed at Unix time `at`, accepting the steps in
    /// `window` (default: one either side) and refusing steps `<= lastUsed`.
    ///
    /// Spaces or hyphens between digit groups are accepted (`"287 082"`). On success,
    /// store `match.step` and pass it as `lastUsed` next time: that is what stops the
    /// same code from being used twice (RFC 6238 §5.2).
    ///
    /// # Errors
    /// `Mismatch` for a wrong code, `Replayed` for an already used one,
    /// `MalformedCode` for input that is not a code, `WindowTooLarge`, `BeforeT0`.
    ///
    /// # Security
    /// Takes the same time wherever (and whether) the code matches in the window.
    #[uniffi::method(default(last_used = None, window))]
    pub fn verify_at(
        &self,
        code: String,
        at: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, OtpError> {
        Ok(self
            .inner
            .verify_at(&code, at, window.into(), last_used)?
            .into())
    }

    /// As `verifyAt`, at the current time by the device clock.
    ///
    /// # Errors
    /// As `verifyAt`, plus `ClockBeforeUnixEpoch`.
    #[uniffi::method(default(last_used = None, window))]
    pub fn verify_now(
        &self,
        code: String,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, OtpError> {
        Ok(self
            .inner
            .verify_now(&code, window.into(), last_used)?
            .into())
    }
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_examples() -> Result<(), OtpError> {
        let secret = Secret::from_bytes(b"12345678901234567890".to_vec())?;
        let hotp = Hotp::new(Arc::clone(&secret));
        assert_eq!(hotp.generate(0), "755224");
        let m = hotp.verify(
            "287 082".into(),
            0,
            Window {
                behind: 0,
                ahead: 5,
            },
            None,
        )?;
        assert_eq!((m.step, m.offset), (1, 1));

        let totp = Totp::new(secret);
        assert_eq!(totp.generate_at(59)?, "287082");
        let m = totp.verify_at("287082".into(), 89, Window::default(), None)?;
        assert_eq!((m.step, m.offset), (1, -1));
        assert!(matches!(
            totp.verify_at("287082".into(), 89, Window::default(), Some(1)),
            Err(OtpError::Replayed)
        ));
        Ok(())
    }
}
