//! [`GuardConfig`] and [`ThrottlePolicy`]: the validated knobs of a [`Guard`](super::Guard).

use core::fmt;

use otpcore::Window;

/// Why a [`GuardConfig`] or [`ThrottlePolicy`] was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A window wider than [`Window::MAX_SPAN`] steps.
    WindowTooLarge,
    /// `max_drift` above [`GuardConfig::MAX_DRIFT`].
    DriftTooLarge,
    /// A lockout limit outside `1..=`[`ThrottlePolicy::MAX_LOCKOUT`].
    Lockout(u32),
    /// A back-off delay above [`ThrottlePolicy::MAX_DELAY_SECS`].
    DelayTooLong,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::WindowTooLarge => {
                write!(f, "window exceeds {} steps", Window::MAX_SPAN)
            }
            ConfigError::DriftTooLarge => {
                write!(f, "max_drift exceeds {} steps", GuardConfig::MAX_DRIFT)
            }
            ConfigError::Lockout(n) => write!(
                f,
                "lockout must be 1 to {} failures, not {n}",
                ThrottlePolicy::MAX_LOCKOUT
            ),
            ConfigError::DelayTooLong => write!(
                f,
                "back-off delay exceeds {} seconds",
                ThrottlePolicy::MAX_DELAY_SECS
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// How consecutive failures of one credential are throttled (RFC 4226 §7.3,
/// NIST SP 800-63B §5.2.2).
///
/// With `f` failures counted since the last success:
/// - `f >= lockout`: every attempt is refused until [`Guard::reset`](super::Guard::reset)
///   (a hard lockout; `retry_after` is `None`).
/// - otherwise the attempt must come at least [`ThrottlePolicy::delay_after`]`(f)`
///   seconds after the previous attempt: `0` while `f < free_failures`, then
///   `base · 2^(f − free_failures)` seconds, capped at `max`.
///
/// The default is 5 free failures, then 1 s, 2 s, 4 s, … capped at 15 minutes,
/// and a hard lockout at 100 failures, the most NIST SP 800-63B allows.
///
/// # Security
/// Stores count an attempt **before** its code is checked and give it back only
/// when the code turns out to be right (see [`Store::begin`](crate::store::Store::begin)),
/// so at most `lockout` codes are ever checked between two successes, however many
/// requests race on however many servers. The price: attempts in flight at the same
/// moment count against `free_failures` until they finish.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ThrottlePolicy {
    lockout: u32,
    free_failures: u32,
    base_delay_secs: u64,
    max_delay_secs: u64,
}

impl ThrottlePolicy {
    /// Highest hard-lockout limit: NIST SP 800-63B §5.2.2 allows no more than 100
    /// consecutive failed attempts.
    pub const MAX_LOCKOUT: u32 = 100;
    /// Longest back-off delay: one year, in seconds.
    pub const MAX_DELAY_SECS: u64 = 365 * 24 * 3600;

    /// A hard lockout after `lockout` consecutive failures and no back-off
    /// before it (add one with [`ThrottlePolicy::with_back_off`]).
    ///
    /// # Errors
    /// [`ConfigError::Lockout`] unless `1 <= lockout <= 100`.
    pub const fn lockout_after(lockout: u32) -> Result<Self, ConfigError> {
        if lockout == 0 || lockout > Self::MAX_LOCKOUT {
            return Err(ConfigError::Lockout(lockout));
        }
        Ok(ThrottlePolicy {
            lockout,
            free_failures: lockout,
            base_delay_secs: 0,
            max_delay_secs: 0,
        })
    }

    /// Adds exponential back-off: after `free_failures` failures, each further
    /// attempt must wait `base_secs · 2^(f − free_failures)` seconds (at most
    /// `max_secs`) after the previous one.
    ///
    /// # Errors
    /// [`ConfigError::DelayTooLong`] if `max_secs` exceeds
    /// [`ThrottlePolicy::MAX_DELAY_SECS`].
    pub const fn with_back_off(
        self,
        free_failures: u32,
        base_secs: u64,
        max_secs: u64,
    ) -> Result<Self, ConfigError> {
        if max_secs > Self::MAX_DELAY_SECS {
            return Err(ConfigError::DelayTooLong);
        }
        Ok(ThrottlePolicy {
            free_failures,
            base_delay_secs: base_secs,
            max_delay_secs: max_secs,
            ..self
        })
    }

    /// Failures after which every attempt is refused.
    #[must_use]
    pub const fn lockout(&self) -> u32 {
        self.lockout
    }

    /// Failures allowed without any delay.
    #[must_use]
    pub const fn free_failures(&self) -> u32 {
        self.free_failures
    }

    /// First back-off delay, in seconds.
    #[must_use]
    pub const fn base_delay_secs(&self) -> u64 {
        self.base_delay_secs
    }

    /// Longest back-off delay, in seconds.
    #[must_use]
    pub const fn max_delay_secs(&self) -> u64 {
        self.max_delay_secs
    }

    /// Seconds that must pass after the previous attempt before the next one,
    /// with `failures` counted: `0` below `free_failures`, then
    /// `min(base · 2^(failures − free_failures), max)`. Never panics.
    #[must_use]
    pub const fn delay_after(&self, failures: u32) -> u64 {
        let Some(doublings) = failures.checked_sub(self.free_failures) else {
            return 0;
        };
        let factor = match 1u64.checked_shl(doublings) {
            Some(f) => f,
            None => u64::MAX,
        };
        let delay = self.base_delay_secs.saturating_mul(factor);
        if delay < self.max_delay_secs {
            delay
        } else {
            self.max_delay_secs
        }
    }

    /// The decision every store makes atomically: `Ok(())` if an attempt at `now`
    /// may proceed with `failures` counted and the previous counted attempt at
    /// `last_attempt` (`None` when no failure is counted); otherwise
    /// `Err(retry_after)` in seconds, `None` for a hard lockout.
    ///
    /// # Errors
    /// As described; an error here is a refusal, not a fault.
    pub const fn check(
        &self,
        failures: u32,
        last_attempt: Option<u64>,
        now: u64,
    ) -> Result<(), Option<u64>> {
        if failures >= self.lockout {
            return Err(None);
        }
        let Some(last_attempt) = last_attempt else {
            return Ok(());
        };
        let ready = last_attempt.saturating_add(self.delay_after(failures));
        if now < ready {
            Err(Some(ready.saturating_sub(now)))
        } else {
            Ok(())
        }
    }
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            lockout: Self::MAX_LOCKOUT,
            free_failures: 5,
            base_delay_secs: 1,
            max_delay_secs: 15 * 60,
        }
    }
}

/// What a [`Guard`](super::Guard) accepts. Checked by [`Guard::new`](super::Guard::new).
///
/// # Drift bound
/// After each TOTP success the guard records the matched step's offset from the
/// step of the server's clock, clamped to `±max_drift`, and centres the next
/// window there (RFC 6238 §6). A code is therefore only ever accepted for steps
/// within `max_drift + totp_window.behind` before and `max_drift + totp_window.ahead`
/// after the server's current step, and the recorded drift moves by at most the
/// window's width per success. The number of codes tried per attempt does not
/// grow with the drift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GuardConfig {
    /// TOTP window around the drift-corrected step. Default ±1 (RFC 6238 §5.2).
    pub totp_window: Window,
    /// Largest recorded clock drift, in steps either way. Default 10 (5 minutes
    /// at 30 s steps); at most [`GuardConfig::MAX_DRIFT`].
    pub max_drift: u64,
    /// HOTP look-ahead `s` (RFC 4226 §7.4): counters tried after the expected
    /// one. Default 10.
    pub hotp_look_ahead: u64,
    /// Look-ahead for [`Guard::resync_hotp`](super::Guard::resync_hotp), which
    /// needs two consecutive codes. Default 100.
    pub hotp_resync_look_ahead: u64,
    /// Steps either side of the server's clock searched by
    /// [`Guard::resync_totp`](super::Guard::resync_totp), which needs two
    /// consecutive codes (RFC 6238 §6). Default 10 (5 minutes at 30 s steps),
    /// the default `max_drift`; at most [`Window::MAX_SPAN`]` / 2`. The
    /// recorded drift never exceeds `max_drift`, so the search never reaches
    /// further than `max_drift` steps either: the window used is
    /// `±min(totp_resync_window, max_drift)`.
    pub totp_resync_window: u64,
    /// Failure throttling.
    pub throttle: ThrottlePolicy,
}

impl GuardConfig {
    /// Largest accepted `max_drift`, in steps.
    pub const MAX_DRIFT: u64 = 1000;

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        let span = self
            .totp_window
            .behind
            .checked_add(self.totp_window.ahead)
            .ok_or(ConfigError::WindowTooLarge)?;
        let too_wide = |s: u64| s > Window::MAX_SPAN;
        // The HOTP scan also covers the last accepted counter: one step more.
        let hotp_span = self.hotp_look_ahead.saturating_add(1);
        let resync_span = self.totp_resync_window.saturating_mul(2);
        if too_wide(span)
            || too_wide(hotp_span)
            || too_wide(self.hotp_resync_look_ahead)
            || too_wide(resync_span)
        {
            return Err(ConfigError::WindowTooLarge);
        }
        if self.max_drift > Self::MAX_DRIFT {
            return Err(ConfigError::DriftTooLarge);
        }
        Ok(())
    }
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            totp_window: Window::default(),
            max_drift: 10,
            hotp_look_ahead: 10,
            hotp_resync_look_ahead: 100,
            totp_resync_window: 10,
            throttle: ThrottlePolicy::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_then_caps() {
        let p = ThrottlePolicy::lockout_after(100)
            .unwrap()
            .with_back_off(3, 1, 60)
            .unwrap();
        let delays: std::vec::Vec<u64> = (0..12).map(|f| p.delay_after(f)).collect();
        assert_eq!(delays, [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(p.delay_after(u32::MAX), 60);
        assert_eq!(p.check(99, Some(0), u64::MAX), Ok(()));
        assert_eq!(p.check(100, Some(0), u64::MAX), Err(None));
        assert_eq!(p.check(100, None, 0), Err(None));
        assert_eq!(p.check(5, Some(1000), 1001), Err(Some(3)));
        assert_eq!(p.check(5, Some(1000), 1004), Ok(()));
        assert_eq!(p.check(5, None, 0), Ok(()));
        assert_eq!(p.check(5, Some(u64::MAX), 0), Err(Some(u64::MAX)));
    }

    #[test]
    fn limits() {
        assert_eq!(
            ThrottlePolicy::lockout_after(0),
            Err(ConfigError::Lockout(0))
        );
        assert_eq!(
            ThrottlePolicy::lockout_after(101),
            Err(ConfigError::Lockout(101))
        );
        let p = ThrottlePolicy::lockout_after(1).unwrap();
        assert_eq!(
            p.with_back_off(0, 1, ThrottlePolicy::MAX_DELAY_SECS + 1),
            Err(ConfigError::DelayTooLong)
        );
        assert_eq!(p.delay_after(0), 0);
        let mut c = GuardConfig::default();
        assert_eq!(c.validate(), Ok(()));
        c.totp_window = Window::new(u64::MAX, 1);
        assert_eq!(c.validate(), Err(ConfigError::WindowTooLarge));
        c = GuardConfig {
            max_drift: 1001,
            ..GuardConfig::default()
        };
        assert_eq!(c.validate(), Err(ConfigError::DriftTooLarge));
        c = GuardConfig {
            totp_resync_window: Window::MAX_SPAN / 2,
            ..GuardConfig::default()
        };
        assert_eq!(c.validate(), Ok(()));
        c.totp_resync_window += 1;
        assert_eq!(c.validate(), Err(ConfigError::WindowTooLarge));
        c.totp_resync_window = u64::MAX;
        assert_eq!(c.validate(), Err(ConfigError::WindowTooLarge));
    }
}
