//! [`Guard`]: stateful verification on top of a [`Store`] — replay protection,
//! throttling, drift tracking and HOTP counters.

mod blocking;
mod check;
mod config;

use core::fmt;
use core::time::Duration;

pub use config::{ConfigError, GuardConfig, ThrottlePolicy};

use crate::store::{Advance, Advanced, CredentialId, Gate, State, Store, StoreError};
use check::Decision;
use otpcore::{Hotp, Match, Totp, VerifyError};

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
        /// lockout, lifted only by [`Guard::reset`].
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

/// A stateful verifier: wraps a [`Store`] shared by every server and enforces,
/// per credential, in this order:
///
/// 1. **Throttling** — refuse at once while the credential is backed off or
///    locked out ([`ThrottlePolicy`]); the code is not computed.
/// 2. **Constant-time verification** around the recorded drift (TOTP) or the
///    stored counter (HOTP look-ahead), using [`Totp::verify_step`] and
///    [`Hotp::verify`].
/// 3. **Compare-and-set** of the matched step in the store: only the first
///    request to record it is [`Outcome::Accepted`]; every other is
///    [`Outcome::Replayed`], however the requests race.
/// 4. **Failure counting**: every attempt is counted as a failure *before* step 2
///    and the count is reset on success or given back for a replayed (correct)
///    code, so a burst of parallel guesses cannot exceed the lockout limit.
///
/// # Security
/// Fails closed: whenever the store errs, the outcome is
/// [`Outcome::StoreUnavailable`] and nothing is accepted. The guard never sees
/// a secret except through the [`Totp`]/[`Hotp`] the caller passes per call, and
/// never stores one.
///
/// ```
/// use otpcore::{Secret, Totp, TotpConfig};
/// use otpcore_guard::store::{CredentialId, MemoryStore};
/// use otpcore_guard::{Guard, GuardConfig, Outcome};
///
/// let guard = Guard::new(MemoryStore::new(), GuardConfig::default())?;
/// let totp = Totp::new(&Secret::from_bytes(b"12345678901234567890")?, TotpConfig::default());
/// let alice = CredentialId::new("alice:totp")?;
/// let code = totp.generate_at(1_700_000_000)?.to_string();
/// assert!(matches!(guard.verify_totp_blocking(&alice, &totp, &code, 1_700_000_000), Outcome::Accepted(_)));
/// assert!(matches!(guard.verify_totp_blocking(&alice, &totp, &code, 1_700_000_001), Outcome::Replayed));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Guard<S> {
    store: S,
    config: GuardConfig,
}

impl<S: Store> Guard<S> {
    /// A guard over `store`.
    ///
    /// # Errors
    /// [`ConfigError`] if a window exceeds [`Window::MAX_SPAN`](otpcore::Window::MAX_SPAN) or `max_drift`
    /// exceeds [`GuardConfig::MAX_DRIFT`].
    pub fn new(store: S, config: GuardConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Guard { store, config })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &GuardConfig {
        &self.config
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Verifies a TOTP `input` for `credential` at unix time `at`.
    ///
    /// The window ([`GuardConfig::totp_window`]) is centred on the step of `at`
    /// plus the drift recorded at the last success; on success the new drift
    /// (clamped to [`GuardConfig::max_drift`]) and the step are recorded, and the
    /// step's record expires once no window can reach it again.
    ///
    /// # Security
    /// See the type. Malformed input and a time before `t0` are rejected before
    /// the store is touched and do not count as failures.
    pub async fn verify_totp(
        &self,
        credential: &CredentialId,
        totp: &Totp,
        input: &str,
        at: u64,
    ) -> Outcome {
        self.run(credential, at, check::totp(&self.config, totp, input, at))
            .await
    }

    /// Verifies an HOTP `input` for `credential`: tries the counter after the
    /// last accepted one and [`GuardConfig::hotp_look_ahead`] more (RFC 4226
    /// §7.4); on success the matched counter is recorded, so the counter only
    /// moves forward. The last accepted counter is tried as well, so that
    /// resubmitting its code is [`Outcome::Replayed`] rather than a failure;
    /// older codes are simply wrong. `at` (unix seconds) is used for throttling
    /// only: no store expires records by it (test
    /// `replay_expiry::*_hotp_at_in_milliseconds_keeps_other_replay_records`).
    ///
    /// A credential without a recorded counter starts at counter 0; use
    /// [`Guard::resync_hotp`] for tokens that have moved further.
    ///
    /// # Security
    /// See the type. Keep HOTP state in a durable store: losing it re-enables
    /// every code since the last persisted counter.
    pub async fn verify_hotp(
        &self,
        credential: &CredentialId,
        hotp: &Hotp,
        input: &str,
        at: u64,
    ) -> Outcome {
        self.run(credential, at, check::hotp(&self.config, hotp, input, at))
            .await
    }

    /// RFC 4226 §7.4 resynchronisation: accepts two consecutive codes `first`,
    /// `second` found within [`GuardConfig::hotp_resync_look_ahead`] counters
    /// after the stored one and moves the counter past both. The returned match is
    /// that of `second`. Counts as one attempt for throttling.
    ///
    /// # Security
    /// See the type and [`Hotp::verify_consecutive`].
    pub async fn resync_hotp(
        &self,
        credential: &CredentialId,
        hotp: &Hotp,
        first: &str,
        second: &str,
        at: u64,
    ) -> Outcome {
        let check = check::resync(&self.config, hotp, [first, second], at);
        self.run(credential, at, check).await
    }

    /// Lifts back-off and lockout for `credential` (for example after the user
    /// proved their identity another way).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    pub async fn reset(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.store.reset(credential).await
    }

    /// Forgets all state of `credential`: do this when it is deleted or
    /// re-enrolled with a new secret.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    pub async fn remove(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.store.remove(credential).await
    }

    /// The stored state of `credential`, for inspection.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    pub async fn state(&self, credential: &CredentialId) -> Result<State, StoreError> {
        self.store.load(credential).await
    }

    /// The async driver: the input checks, then `begin`, the verification, and
    /// the compare-and-set or refund, each one store operation.
    async fn run(
        &self,
        credential: &CredentialId,
        at: u64,
        check: Result<impl FnOnce(State) -> Decision, Outcome>,
    ) -> Outcome {
        let decide = match check {
            Ok(decide) => decide,
            Err(outcome) => return outcome,
        };
        let begun = self
            .store
            .begin(credential, at, &self.config.throttle)
            .await;
        let state = match opened(begun) {
            Ok(state) => state,
            Err(outcome) => return outcome,
        };
        match settle(decide(state)) {
            Settle::Done(outcome) => outcome,
            Settle::Advance(m, advance) => {
                match won(m, self.store.advance(credential, advance).await) {
                    Some(outcome) => outcome,
                    None => refunded(self.store.refund(credential).await),
                }
            }
            Settle::Refund => refunded(self.store.refund(credential).await),
        }
    }
}

/// Step 1's result: the state to verify against, or the refusal.
fn opened(begun: Result<Gate, StoreError>) -> Result<State, Outcome> {
    match begun {
        Ok(Gate::Open(state)) => Ok(state),
        Ok(Gate::Throttled { retry_after }) => Err(Outcome::Throttled {
            retry_after: retry_after.map(Duration::from_secs),
        }),
        Err(e) => Err(Outcome::StoreUnavailable(e)),
    }
}

/// Steps 3 and 4, as the store operation each outcome needs.
enum Settle {
    /// Compare-and-set the step.
    Advance(Match, Advance),
    /// Give back the failure `begin` counted: the code was right but used.
    Refund,
    /// A miss: `begin` already counted it.
    Done(Outcome),
}

fn settle(decision: Decision) -> Settle {
    match decision {
        Ok((m, advance)) => Settle::Advance(m, advance),
        Err(VerifyError::Replayed) => Settle::Refund,
        Err(e) => Settle::Done(Outcome::Rejected(e)),
    }
}

/// The compare-and-set's result: accepted, failed closed, or lost (`None`: a
/// concurrent request recorded the step first, so refund and report a replay).
fn won(m: Match, advanced: Result<Advanced, StoreError>) -> Option<Outcome> {
    match advanced {
        Ok(Advanced::Won) => Some(Outcome::Accepted(m)),
        Ok(Advanced::Lost) => None,
        // Whether or not the write landed, this request is not accepted.
        Err(e) => Some(Outcome::StoreUnavailable(e)),
    }
}

fn refunded(refund: Result<(), StoreError>) -> Outcome {
    match refund {
        Ok(()) => Outcome::Replayed,
        // The failure stays counted: erring towards throttling is safe.
        Err(e) => Outcome::StoreUnavailable(e),
    }
}
