//! [`Outcome`]: what a stateful verification decided.

use core::fmt;
use core::time::Duration;

use crate::store::StoreError;
use otpcore::{Match, VerifyError};

/// The result of a stateful verification.
///
/// Only [`Outcome::Accepted`] lets the user in; everything else is a refusal.
#[must_use = "only `Outcome::Accepted` means the code may be accepted"]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// The code is right and its step was recorded before anyone else's: accept.
    /// `Match::offset` is relative to the server's clock (TOTP) or the expected
    /// counter (HOTP).
    Accepted(Match),
    /// The code is wrong or malformed (never [`VerifyError::Replayed`]: that is
    /// [`Outcome::Replayed`]).
    Rejected(VerifyError),
    /// The code is right but its step was already used — by an earlier login or by
    /// a concurrent request that won the race (RFC 6238 §5.2).
    Replayed,
    /// Too many consecutive failures; no code was checked.
    Throttled {
        /// How long until the next attempt may be made; `None` for a hard
        /// lockout, lifted only by [`Guard::reset`](super::Guard::reset).
        retry_after: Option<Duration>,
    },
    /// The store could not be read or written, so nothing was accepted.
    StoreUnavailable(StoreError),
}

impl Outcome {
    /// The match, if the code was accepted.
    #[must_use]
    pub fn accepted(&self) -> Option<Match> {
        match self {
            Outcome::Accepted(m) => Some(*m),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Accepted(_) => f.write_str("code accepted"),
            Outcome::Rejected(e) => write!(f, "code rejected: {e}"),
            Outcome::Replayed => f.write_str("code was already used"),
            Outcome::Throttled {
                retry_after: Some(d),
            } => {
                write!(f, "too many failures; retry in {} s", d.as_secs())
            }
            Outcome::Throttled { retry_after: None } => {
                f.write_str("too many failures; locked until reset")
            }
            Outcome::StoreUnavailable(e) => write!(f, "verification unavailable: {e}"),
        }
    }
}
