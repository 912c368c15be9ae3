//! What a verification is asked and answers, for [`Hotp`](crate::Hotp),
//! [`Totp`](crate::Totp) and [`Steam`](crate::Steam): [`Window`], [`Match`],
//! [`VerifyError`]. The constant-time scan that computes the answer is
//! `scan`.

use core::fmt;

use crate::{CodeError, TimeError};

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
