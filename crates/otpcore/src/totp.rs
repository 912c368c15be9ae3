//! [`Totp`]: RFC 6238 time-based one-time passwords. Time is always an argument.

use core::fmt;

use crate::format::Format;
use crate::mac::KeyedMac;
use crate::resync::scan_consecutive_ending_in;
use crate::scan::scan;
use crate::step_divisor::StepDivisor;
use crate::{Algorithm, Code, Digits, Match, Period, Secret, VerifyError, Window};

/// Why a time cannot be turned into a time step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeError {
    /// The time is earlier than the configured `t0`: there is no step for it.
    BeforeT0,
    /// The system clock reads earlier than 1970-01-01 (only from the `now`
    /// conveniences).
    ClockBeforeUnixEpoch,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeError::BeforeT0 => f.write_str("time is before the TOTP epoch t0"),
            TimeError::ClockBeforeUnixEpoch => f.write_str("system clock is before the Unix epoch"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TimeError {}

/// TOTP parameters (RFC 6238 §4.1). `TotpConfig::default()` is what every
/// authenticator app uses: SHA-1, 6 digits, 30 s, `t0 = 0`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TotpConfig {
    /// HMAC hash.
    pub algorithm: Algorithm,
    /// Code length.
    pub digits: Digits,
    /// Time step `X`.
    pub period: Period,
    /// Unix time `T0` at which step 0 starts.
    pub t0: u64,
}

/// A TOTP generator and verifier (RFC 6238) for one secret.
///
/// ```
/// use otpcore::{Secret, Totp, TotpConfig, Window};
/// let secret = Secret::from_bytes(b"12345678901234567890")?;
/// let totp = Totp::new(&secret, TotpConfig::default());
/// // RFC 6238 Appendix B, SHA-1, T = 59 s, last six of 94287082.
/// assert_eq!(totp.generate_at(59)?.to_string(), "287082");
/// let m = totp.verify_at("287 082", 59 + 30, Window::default(), None)?;
/// assert_eq!((m.step, m.offset), (1, -1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Totp {
    mac: KeyedMac,
    config: TotpConfig,
    /// `config.period` with its reciprocal.
    divisor: StepDivisor,
    /// `config.digits` as a code format, with its modulus.
    format: Format,
}

impl Totp {
    /// Keys HMAC once; every later code reuses the keyed state.
    #[must_use]
    pub fn new(secret: &Secret, config: TotpConfig) -> Self {
        Totp {
            mac: KeyedMac::new(secret, config.algorithm),
            config,
            divisor: StepDivisor::new(config.period),
            format: Format::decimal(config.digits),
        }
    }

    /// The keyed HMAC, for the batch functions and [`Steam`](crate::Steam).
    pub(crate) fn keyed_mac(&self) -> &KeyedMac {
        &self.mac
    }

    /// The format of this TOTP's own codes: decimal, `config.digits` long.
    pub(crate) fn format(&self) -> &Format {
        &self.format
    }

    /// The parameters.
    #[must_use]
    pub fn config(&self) -> TotpConfig {
        self.config
    }

    /// The time step containing unix time `at`: `(at - t0) / period`.
    ///
    /// # Errors
    /// [`TimeError::BeforeT0`] when `at < t0`. Never panics.
    pub fn step_at(&self, at: u64) -> Result<u64, TimeError> {
        let since = at.checked_sub(self.config.t0).ok_or(TimeError::BeforeT0)?;
        Ok(self.divisor.steps(since))
    }

    /// The unix time at which `step` starts, or `None` if it is after `u64::MAX`.
    #[must_use]
    pub fn step_start(&self, step: u64) -> Option<u64> {
        step.checked_mul(self.config.period.get())?
            .checked_add(self.config.t0)
    }

    /// The code for time step `step`.
    #[must_use]
    pub fn generate_step(&self, step: u64) -> Code {
        Code::new(
            self.config.digits.reduce(self.mac.truncated(step)),
            self.config.digits,
        )
    }

    /// The code at unix time `at`.
    ///
    /// # Errors
    /// [`TimeError::BeforeT0`].
    pub fn generate_at(&self, at: u64) -> Result<Code, TimeError> {
        Ok(self.generate_step(self.step_at(at)?))
    }

    /// Checks `input` at unix time `at` against the steps in `window`, refusing
    /// steps `<= last_used`.
    ///
    /// Steps below 0 or above `u64::MAX` do not exist and are not tried: near `t0`
    /// a ±1 window has two candidates.
    ///
    /// # Errors
    /// [`VerifyError::Malformed`], [`VerifyError::Mismatch`],
    /// [`VerifyError::Replayed`], [`VerifyError::WindowTooLarge`],
    /// [`VerifyError::Time`] when `at < t0`.
    ///
    /// # Security
    /// Constant time in the secret and the code: every step in the window is
    /// computed and compared with `subtle`, without early exit. Replay protection
    /// needs the caller to store `Match::step` and pass it back as `last_used`
    /// (atomically, if several servers verify: see the store module).
    pub fn verify_at(
        &self,
        input: &str,
        at: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        self.verify_step(input, self.step_at(at)?, window, last_used)
    }

    /// Checks `input` against the steps in `window` around time step `centre`
    /// rather than around the step containing a time: what a verifier that
    /// tracks clock drift (RFC 6238 §6) needs, with `centre` the current step
    /// plus the recorded drift. [`Match::offset`] is relative to `centre`.
    ///
    /// # Errors
    /// As [`Totp::verify_at`], except that there is no time to convert.
    ///
    /// # Security
    /// As [`Totp::verify_at`]: every step in the window is computed and compared
    /// in constant time, without early exit.
    pub fn verify_step(
        &self,
        input: &str,
        centre: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        self.verify_step_in(self.format(), input, centre, window, last_used)
    }

    /// Which of the `out.len()` steps from `first` on `input` is the code of:
    /// `out[i]` becomes `b'1'` for step `first + i`, `b'0'` otherwise (and for
    /// steps past `u64::MAX`, which do not exist). For a verifier that cannot
    /// choose the window yet: `otpcore-guard` sends these bytes to its store,
    /// which picks the window by the state it holds, in the same operation
    /// that records the step.
    ///
    /// # Errors
    /// [`VerifyError::Malformed`] for input that is not a code of this TOTP.
    ///
    /// # Security
    /// Constant time in the secret and the code, like [`Totp::verify_step`]:
    /// every step is computed and compared with `subtle`, and each byte is
    /// written as `b'0' + hit`, without a branch. The work grows with
    /// `out.len()`: bound it as you would a window. The bytes tell whoever
    /// reads them which steps `input` matched (what a store learns anyway
    /// from the step it records), never the code.
    pub fn match_steps(&self, input: &str, first: u64, out: &mut [u8]) -> Result<(), VerifyError> {
        crate::step_matches::match_run(&self.mac, self.format(), input, first, out)
    }

    /// [`Totp::verify_step`] for codes written in `format`, whatever
    /// `config.digits` says: [`Steam`](crate::Steam) checks its codes here.
    pub(crate) fn verify_step_in(
        &self,
        format: &Format,
        input: &str,
        centre: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        scan(&self.mac, format, input, centre, window, last_used)
    }

    /// RFC 6238 §6 resynchronisation: finds a step `s` in `window` around
    /// `centre` such that `first` is the code for step `s - 1` and `second` the
    /// code for `s`, with `s - 1 > last_used` (neither code used before). The
    /// match is that of `second`: `step = s`, [`Match::offset`] relative to
    /// `centre`. For a device whose clock is too far off for the ordinary
    /// window: two consecutive codes are far stronger evidence than one, so the
    /// window may be wider.
    ///
    /// ```
    /// use otpcore::{Secret, Totp, TotpConfig, Window};
    /// let totp = Totp::new(&Secret::from_bytes(b"12345678901234567890")?, TotpConfig::default());
    /// // The device runs 7 steps (3.5 minutes) fast.
    /// let (a, b) = (totp.generate_step(1006).to_string(), totp.generate_step(1007).to_string());
    /// let m = totp.verify_consecutive(&a, &b, 1000, Window::symmetric(10), None)?;
    /// assert_eq!((m.step, m.offset), (1007, 7));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`VerifyError::Malformed`] (either code), [`VerifyError::Mismatch`],
    /// [`VerifyError::Replayed`], [`VerifyError::WindowTooLarge`].
    ///
    /// # Security
    /// The constant-time scan of [`Hotp::verify_consecutive`](crate::Hotp::verify_consecutive)
    /// (`resync::scan_pairs`, inlined into both): every pair in the window is
    /// computed and compared, without early exit. Checked in the release build
    /// (rustc 1.95, x86-64, `--emit asm` of this function): the tail after the
    /// loop is the same `sbb`, `cmove`, `sete` and unconditional stores as the
    /// HOTP form, then an unconditional jump to the epilogue.
    pub fn verify_consecutive(
        &self,
        first: &str,
        second: &str,
        centre: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        scan_consecutive_ending_in(
            &self.mac,
            self.config.digits,
            (first, second),
            centre,
            window,
            last_used,
        )
    }

    /// The code now, by the system clock.
    ///
    /// # Errors
    /// [`TimeError`] if the clock is before 1970 or `t0`.
    #[cfg(feature = "std")]
    pub fn generate_now(&self) -> Result<Code, TimeError> {
        self.generate_at(unix_now()?)
    }

    /// [`Totp::verify_at`] now, by the system clock.
    ///
    /// # Errors
    /// As [`Totp::verify_at`].
    #[cfg(feature = "std")]
    pub fn verify_now(
        &self,
        input: &str,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        self.verify_at(input, unix_now()?, window, last_used)
    }
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch by the system clock.
///
/// # Errors
/// [`TimeError::ClockBeforeUnixEpoch`] if the clock reads earlier than 1970.
#[cfg(feature = "std")]
pub fn unix_now() -> Result<u64, TimeError> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| TimeError::ClockBeforeUnixEpoch)
}

#[cfg(test)]
mod tests {
    use crate::{Secret, Totp, TotpConfig, Window};
    use alloc::string::ToString;

    #[test]
    fn verify_step_centres_the_window_on_a_step() {
        let t = Totp::new(
            &Secret::from_bytes(b"12345678901234567890").unwrap(),
            TotpConfig::default(),
        );
        let code = t.generate_step(1000).to_string();
        let m = t
            .verify_step(&code, 997, Window::symmetric(3), None)
            .unwrap();
        assert_eq!((m.step, m.offset), (1000, 3));
        assert!(t
            .verify_step(&code, 996, Window::symmetric(3), None)
            .is_err());
        assert_eq!(
            t.verify_at(&code, 997 * 30 + 29, Window::symmetric(3), None),
            Ok(m)
        );
    }

    #[test]
    fn match_steps_marks_exactly_the_steps_verify_step_accepts() {
        let t = Totp::new(
            &Secret::from_bytes(b"12345678901234567890").unwrap(),
            TotpConfig::default(),
        );
        let code = t.generate_step(1000).to_string();
        // 40 steps: more than one run of lanes, and a partial last run.
        let mut out = [0u8; 40];
        t.match_steps(&code, 980, &mut out).unwrap();
        for (i, bit) in (980u64..).zip(out) {
            let single = t.verify_step(&code, i, Window::exact(), None).is_ok();
            assert_eq!(bit, if single { b'1' } else { b'0' }, "step {i}");
        }
        assert_eq!(out[20], b'1');
        // Steps past u64::MAX do not exist.
        let mut end = [b'x'; 5];
        t.match_steps(&code, u64::MAX - 1, &mut end).unwrap();
        assert!(end[2..].iter().all(|b| *b == b'0'), "{end:?}");
        assert!(t.match_steps("12a456", 0, &mut out).is_err());
    }
}
