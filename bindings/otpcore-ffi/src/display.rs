//! What an authenticator app shows: the code grouped as apps group it
//! ([`group_code`], [`CodeDisplay::grouped`]) and the countdown of the current
//! step ([`StepWindow`]).

use crate::{OtpError, Steam, Totp};

/// The time step containing a moment: for the countdown next to a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StepWindow {
    /// The step number `(at - t0) / period`.
    pub step: u64,
    /// Unix time at which the step starts.
    pub valid_from: u64,
    /// Unix time at which the next step starts (the code is no longer current).
    pub valid_until: u64,
    /// Seconds left in the step: `validUntil - at`, 1 to `period`.
    pub remaining: u64,
}

impl From<otpcore::StepWindow> for StepWindow {
    fn from(w: otpcore::StepWindow) -> Self {
        StepWindow {
            step: w.step,
            valid_from: w.valid_from,
            valid_until: w.valid_until,
            remaining: w.remaining,
        }
    }
}

/// A TOTP code as an authenticator app shows it, with its countdown.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CodeDisplay {
    /// The code, zero-padded (`"711725"`).
    pub code: String,
    /// The code in groups (`"711 725"`; see `groupCode` for the rule).
    pub grouped: String,
    /// The step, its start and end, and the seconds left.
    pub window: StepWindow,
}

/// Groups a code as authenticator apps show it: the fewest groups of at most
/// four digits, as equal as possible, shorter groups first. 6 digits
/// `"711 725"`, 7 `"123 4567"`, 8 `"9428 7082"`, 9 `"123 456 789"`, 10
/// `"123 456 7890"`. Separators already in `code` are ignored.
///
/// # Errors
/// `MalformedCode` unless `code` is 6 to 10 ASCII digits (optionally grouped by
/// single spaces or hyphens).
#[uniffi::export]
pub fn group_code(code: String) -> Result<String, OtpError> {
    let count = code.bytes().filter(u8::is_ascii_digit).count();
    let digits = u32::try_from(count)
        .ok()
        .and_then(|n| otpcore::Digits::new(n).ok())
        .ok_or(OtpError::MalformedCode(otpcore::CodeError::Length {
            expected: 6,
            found: u8::try_from(count).unwrap_or(u8::MAX),
        }))?;
    let parsed = otpcore::Code::parse(&code, digits).map_err(OtpError::MalformedCode)?;
    Ok(parsed.grouped().to_string())
}

#[uniffi::export]
impl Totp {
    /// The step containing Unix time `at`, its start and end, and the seconds
    /// left in it.
    ///
    /// # Errors
    /// `BeforeT0` when `at` is earlier than `t0`.
    pub fn step_window(&self, at: u64) -> Result<StepWindow, OtpError> {
        Ok(self.inner.step_window(at)?.into())
    }

    /// What an authenticator app shows at Unix time `at`: the code, grouped,
    /// and the countdown of its step.
    ///
    /// # Errors
    /// `BeforeT0` when `at` is earlier than `t0`.
    pub fn display_at(&self, at: u64) -> Result<CodeDisplay, OtpError> {
        let window = self.inner.step_window(at)?;
        let code = self.inner.generate_step(window.step);
        Ok(CodeDisplay {
            code: code.to_string(),
            grouped: code.grouped().to_string(),
            window: window.into(),
        })
    }

    /// As `displayAt`, now by the device clock.
    ///
    /// # Errors
    /// `ClockBeforeUnixEpoch` or `BeforeT0` for a clock set absurdly early.
    pub fn display_now(&self) -> Result<CodeDisplay, OtpError> {
        self.display_at(otpcore::unix_now()?)
    }
}

#[uniffi::export]
impl Steam {
    /// The 30-second step containing Unix time `at`, its start and end, and the
    /// seconds left in it: the countdown next to a Steam code.
    ///
    /// # Errors
    /// None today (Steam's epoch is 0); the error type matches `Totp.stepWindow`.
    pub fn step_window(&self, at: u64) -> Result<StepWindow, OtpError> {
        Ok(self.inner.step_window(at)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Algorithm, Secret, TotpConfig};

    #[test]
    fn display_groups_and_counts_down() -> Result<(), OtpError> {
        let secret = Secret::from_bytes(b"12345678901234567890".to_vec())?;
        let config = TotpConfig {
            algorithm: Algorithm::Sha1,
            digits: 8,
            period: 30,
            t0: 0,
        };
        let totp = Totp::with_config(secret, config)?;
        let d = totp.display_at(59)?;
        assert_eq!(
            (d.code.as_str(), d.grouped.as_str()),
            ("94287082", "9428 7082")
        );
        assert_eq!(
            d.window,
            StepWindow {
                step: 1,
                valid_from: 30,
                valid_until: 60,
                remaining: 1
            }
        );
        let steam = Steam::new(Secret::from_bytes(b"12345678901234567890".to_vec())?);
        assert_eq!(steam.step_window(59)?, d.window);
        assert_eq!(group_code("1234567".into())?, "123 4567");
        assert_eq!(group_code("123-456-789".into())?, "123 456 789");
        assert!(matches!(
            group_code("12345".into()),
            Err(OtpError::MalformedCode(_))
        ));
        assert!(matches!(
            group_code("12345a".into()),
            Err(OtpError::MalformedCode(_))
        ));
        Ok(())
    }
}
