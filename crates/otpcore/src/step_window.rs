//! [`StepWindow`]: the TOTP time step containing a moment, with its start, end
//! and the seconds left, for an authenticator's countdown.

use crate::{Steam, TimeError, Totp};

/// The time step containing a moment, as [`Totp::step_window`] computes it: what
/// an authenticator app needs to show a code with its countdown.
///
/// ```
/// use otpcore::{Secret, Totp, TotpConfig};
/// let totp = Totp::new(&Secret::from_bytes(b"12345678901234567890")?, TotpConfig::default());
/// let w = totp.step_window(59)?;
/// assert_eq!((w.step, w.valid_from, w.valid_until, w.remaining), (1, 30, 60, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StepWindow {
    /// The step number `(at - t0) / period` (RFC 6238 §4.2 `T`).
    pub step: u64,
    /// Unix time at which the step starts (the first second its code is current).
    pub valid_from: u64,
    /// Unix time at which the next step starts (the first second its code is no
    /// longer current): `valid_from + period`, or `u64::MAX` for the last step
    /// when that sum does not fit.
    pub valid_until: u64,
    /// Seconds from the moment to `valid_until`: 1 to `period` (0 only at
    /// `u64::MAX` in a step cut short by the end of `u64`).
    pub remaining: u64,
}

impl Totp {
    /// The step containing unix time `at`, its start and end, and the seconds
    /// left in it: what an app shows next to the code.
    ///
    /// # Errors
    /// [`TimeError::BeforeT0`] when `at < t0`. Never panics, for any `at`, `t0`
    /// and period (checked arithmetic throughout, tested at `u64::MAX`).
    pub fn step_window(&self, at: u64) -> Result<StepWindow, TimeError> {
        let step = self.step_at(at)?;
        let period = self.config().period.get();
        // `step * period + t0 <= at`, so this cannot fail once `step_at` succeeded;
        // `at` is the safe answer if it ever did.
        let valid_from = self.step_start(step).unwrap_or(at);
        let valid_until = valid_from.saturating_add(period);
        Ok(StepWindow {
            step,
            valid_from,
            valid_until,
            remaining: valid_until.saturating_sub(at),
        })
    }
}

impl Steam {
    /// [`Totp::step_window`] for Steam's 30 s steps: the countdown next to a
    /// Steam code.
    ///
    /// # Errors
    /// None today (Steam's epoch is 0); the `Result` matches [`Totp::step_window`].
    pub fn step_window(&self, at: u64) -> Result<StepWindow, TimeError> {
        self.totp().step_window(at)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Period, Secret, Steam, TimeError, Totp, TotpConfig};

    fn totp(period: u64, t0: u64) -> Totp {
        let config = TotpConfig {
            period: Period::new(period).unwrap(),
            t0,
            ..TotpConfig::default()
        };
        Totp::new(&Secret::from_bytes(&[7; 20]).unwrap(), config)
    }

    #[test]
    fn counts_down_through_a_step() {
        let t = totp(30, 0);
        for at in 1_700_000_010..1_700_000_040 {
            let w = t.step_window(at).unwrap();
            assert_eq!(w.step, at / 30);
            assert_eq!(w.valid_from, at / 30 * 30);
            assert_eq!(w.valid_until, w.valid_from + 30);
            assert_eq!(w.remaining, 30 - at % 30);
            assert!((1..=30).contains(&w.remaining));
            // The code shown is the code of that step.
            assert_eq!(t.generate_at(at).unwrap(), t.generate_step(w.step));
        }
        let t = totp(60, 100);
        let w = t.step_window(159).unwrap();
        assert_eq!(
            (w.step, w.valid_from, w.valid_until, w.remaining),
            (0, 100, 160, 1)
        );
        assert_eq!(t.step_window(99), Err(TimeError::BeforeT0));
        let steam = Steam::new(&Secret::from_bytes(&[7; 20]).unwrap());
        let w = steam.step_window(1_700_000_001).unwrap();
        assert_eq!((w.step, w.remaining), (1_700_000_001 / 30, 9));
    }

    #[test]
    fn never_panics_at_the_ends_of_u64() {
        for period in [1, 2, 30, u64::MAX / 2, u64::MAX - 1, u64::MAX] {
            for t0 in [0, 1, u64::MAX / 3, u64::MAX - 1, u64::MAX] {
                let t = totp(period, t0);
                for at in [0, 1, t0, u64::MAX / 2, u64::MAX - 1, u64::MAX] {
                    let Ok(w) = t.step_window(at) else {
                        assert!(at < t0);
                        continue;
                    };
                    assert!(w.valid_from <= at && at <= w.valid_until);
                    assert!(w.remaining <= period);
                    assert_eq!(w.valid_until - at, w.remaining);
                }
            }
        }
        let w = totp(30, 0).step_window(u64::MAX).unwrap();
        assert_eq!(w.valid_until, u64::MAX);
        assert_eq!(w.remaining, 0);
    }
}
