//! The constant-time window scan shared by [`Hotp`](crate::Hotp) and
//! [`Totp`](crate::Totp): [`Window`], [`Match`], [`VerifyError`].

use core::fmt;

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use crate::mac::KeyedMac;
use crate::{Code, CodeError, Digits, TimeError};

/// How many steps around the expected one are accepted: `behind` older steps and
/// `ahead` newer ones. `Window::default()` is ±1, the one step of network delay
/// RFC 6238 §5.2 recommends.
///
/// Validity (checked at verification, not here, so the fields can stay public):
/// `behind + ahead` must not exceed [`Window::MAX_SPAN`], otherwise verification
/// returns [`VerifyError::WindowTooLarge`] without computing anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    /// Steps before the expected one (TOTP: clock behind; HOTP: usually 0).
    pub behind: u64,
    /// Steps after the expected one (TOTP: clock ahead; HOTP: look-ahead `s`).
    pub ahead: u64,
}

impl Window {
    /// Largest accepted `behind + ahead`: 1000 steps. Every step costs one HMAC, so
    /// an unbounded window is a denial of service (and a guessing amplifier).
    pub const MAX_SPAN: u64 = 1000;

    /// `behind` older and `ahead` newer steps.
    #[must_use]
    pub const fn new(behind: u64, ahead: u64) -> Self {
        Window { behind, ahead }
    }

    /// `steps` either side.
    #[must_use]
    pub const fn symmetric(steps: u64) -> Self {
        Window::new(steps, steps)
    }

    /// Only the expected step.
    #[must_use]
    pub const fn exact() -> Self {
        Window::new(0, 0)
    }

    /// HOTP look-ahead: the expected counter and `steps` after it (RFC 4226 §7.4).
    #[must_use]
    pub const fn look_ahead(steps: u64) -> Self {
        Window::new(0, steps)
    }

    /// Number of candidate steps, or `None` if the window is too large.
    pub(crate) fn candidates(self) -> Option<u64> {
        let span = self.behind.checked_add(self.ahead)?;
        (span <= Self::MAX_SPAN).then(|| span.saturating_add(1))
    }
}

impl Default for Window {
    fn default() -> Self {
        Window::symmetric(1)
    }
}

/// A successful verification: which step matched and how far it was from the
/// expected one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Match {
    /// The matched TOTP time step or HOTP counter. Store it as `last_used`.
    pub step: u64,
    /// `step - expected`: negative when the client is behind, positive ahead.
    pub offset: i64,
}

/// Why a code was not accepted. Never contains the secret or the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The input is not a well-formed code.
    Malformed(CodeError),
    /// No step in the window produces this code.
    Mismatch,
    /// The code matches only steps at or before `last_used`: it was already used
    /// (RFC 6238 §5.2).
    Replayed,
    /// `behind + ahead` exceeds [`Window::MAX_SPAN`].
    WindowTooLarge,
    /// The time cannot be turned into a step.
    Time(TimeError),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Malformed(e) => write!(f, "malformed code: {e}"),
            VerifyError::Mismatch => f.write_str("code does not match"),
            VerifyError::Replayed => f.write_str("code was already used"),
            VerifyError::WindowTooLarge => {
                write!(f, "verification window exceeds {} steps", Window::MAX_SPAN)
            }
            VerifyError::Time(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VerifyError {}

impl From<CodeError> for VerifyError {
    fn from(e: CodeError) -> Self {
        VerifyError::Malformed(e)
    }
}

impl From<TimeError> for VerifyError {
    fn from(e: TimeError) -> Self {
        VerifyError::Time(e)
    }
}

/// Verifies `input` against every step in `window` around `expected`.
///
/// Steps that would fall below 0 or above `u64::MAX` do not exist and are skipped
/// (a defined result, not an error): at `expected = 0` a ±1 window has two candidates.
pub(crate) fn scan(
    mac: &KeyedMac,
    digits: Digits,
    input: &str,
    expected: u64,
    window: Window,
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    scan_with(
        mac,
        input,
        |text| Code::parse(text, digits).map(|code| code.value()),
        |truncated| u64::from(digits.reduce(truncated)),
        expected,
        window,
        last_used,
    )
}

/// [`scan`] for any code encoding: `parse` turns the (public) input into a value,
/// `reduce` turns each candidate's truncated HMAC into the same kind of value
/// without branching on it or indexing with it.
pub(crate) fn scan_with(
    mac: &KeyedMac,
    input: &str,
    parse: impl FnOnce(&str) -> Result<u64, CodeError>,
    reduce: impl Fn(u32) -> u64,
    expected: u64,
    window: Window,
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    window.candidates().ok_or(VerifyError::WindowTooLarge)?;
    let code = parse(input)?;
    let first = expected.saturating_sub(window.behind);
    let last = expected.saturating_add(window.ahead);

    let mut accepted = Choice::from(0);
    let mut replayed = Choice::from(0);
    let mut best = 0u64;
    // Security: every candidate is computed and compared, whether or not an earlier
    // one matched. Returning at the first match would make the time depend on where
    // (and whether) the right code sits in the window, which leaks the clock offset
    // and lets a timing observer tell near misses apart (CVE-2022-29185 class).
    for step in first..=last {
        let candidate = reduce(mac.truncated(step));
        // Constant-time equality of the secret-derived candidate with the input.
        let hit = candidate.ct_eq(&code);
        // `last_used` and `step` are public; still fold them in as a `Choice` so the
        // secret-dependent `hit` never meets a branch.
        let fresh = Choice::from(u8::from(last_used.is_none_or(|used| step > used)));
        let take = hit & fresh;
        // Ascending order plus an unconditional select: the newest acceptable step
        // wins when the same digits occur twice in the window.
        best = u64::conditional_select(&best, &step, take);
        accepted |= take;
        replayed |= hit & !fresh;
    }

    // Computed whatever the outcome, and without a branch: where in the window the
    // match sits (before or after the expected step) is not the observer's to time.
    let offset = offset(best, expected);
    // Only now, after the whole window has been scanned, is the outcome branched on.
    if bool::from(accepted) {
        Ok(Match { step: best, offset })
    } else if bool::from(replayed) {
        Err(VerifyError::Replayed)
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// `step - expected` as `i64`, without branching on which is larger. Both lie
/// within one window of at most [`Window::MAX_SPAN`] steps, so the wrapping `u64`
/// difference, read as two's complement, is the exact signed difference.
fn offset(step: u64, expected: u64) -> i64 {
    i64::from_ne_bytes(step.wrapping_sub(expected).to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::offset;

    #[test]
    fn offset_is_the_signed_difference_at_the_extremes() {
        for (step, expected, diff) in [
            (5, 5, 0),
            (6, 5, 1),
            (4, 5, -1),
            (0, 1000, -1000),
            (1000, 0, 1000),
            (u64::MAX, u64::MAX - 1000, 1000),
            (u64::MAX - 1000, u64::MAX, -1000),
            (0, 0, 0),
        ] {
            assert_eq!(offset(step, expected), diff, "{step} - {expected}");
        }
    }
}
