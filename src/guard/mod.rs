//! [`Guard`]: stateful verification on top of a [`Store`] — replay protection,
//! throttling, drift tracking and HOTP counters.

mod blocking;
mod config;
mod session;

use core::fmt;
use core::time::Duration;

pub use config::{ConfigError, GuardConfig, ThrottlePolicy};

use crate::store::{Advance, Advanced, CredentialId, Gate, State, Store, StoreError};
use crate::{Code, Hotp, Match, Totp, VerifyError, Window};
use session::{Session, StoreSession};

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
/// use otpcore::store::{CredentialId, MemoryStore};
/// use otpcore::{Guard, GuardConfig, Outcome, Secret, Totp, TotpConfig};
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
    /// [`ConfigError`] if a window exceeds [`Window::MAX_SPAN`] or `max_drift`
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
        self.totp_flow(&mut self.session(credential), totp, input, at)
            .await
    }

    /// [`Guard::verify_totp`] over `session`.
    async fn totp_flow(
        &self,
        session: &mut impl Session,
        totp: &Totp,
        input: &str,
        at: u64,
    ) -> Outcome {
        if let Err(e) = Code::parse(input, totp.config().digits) {
            return Outcome::Rejected(e.into());
        }
        let expected = match totp.step_at(at) {
            Ok(step) => step,
            Err(e) => return Outcome::Rejected(e.into()),
        };
        let state = match self.begin(session, at).await {
            Ok(state) => state,
            Err(outcome) => return outcome,
        };
        let max = i64::try_from(self.config.max_drift).unwrap_or(i64::MAX);
        let drift = state.drift.clamp(max.saturating_neg(), max);
        let centre = expected.saturating_add_signed(drift);
        let window = self.config.totp_window;
        let found = totp.verify_step(input, centre, window, state.last_step);
        let found = found.map(|m| Match {
            step: m.step,
            offset: signed_diff(m.step, expected),
        });
        // Once the server's step passes `step + max_drift + behind`, no window can
        // reach `step` again; one more step of margin covers servers whose clocks
        // differ by up to one period.
        let expires_at = |step: u64| {
            let last_reachable = step
                .saturating_add(self.config.max_drift)
                .saturating_add(window.behind)
                .saturating_add(2);
            totp.step_start(last_reachable)
        };
        self.settle(session, found, |m| Advance {
            step: m.step,
            drift: m.offset.clamp(max.saturating_neg(), max),
            now: at,
            expires_at: expires_at(m.step),
        })
        .await
    }

    /// Verifies an HOTP `input` for `credential`: tries the counter after the
    /// last accepted one and [`GuardConfig::hotp_look_ahead`] more (RFC 4226
    /// §7.4); on success the matched counter is recorded, so the counter only
    /// moves forward. The last accepted counter is tried as well, so that
    /// resubmitting its code is [`Outcome::Replayed`] rather than a failure;
    /// older codes are simply wrong. `at` (unix seconds) is used for throttling
    /// only.
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
        self.hotp_flow(&mut self.session(credential), hotp, input, at)
            .await
    }

    /// [`Guard::verify_hotp`] over `session`.
    async fn hotp_flow(
        &self,
        session: &mut impl Session,
        hotp: &Hotp,
        input: &str,
        at: u64,
    ) -> Outcome {
        if let Err(e) = Code::parse(input, hotp.config().digits) {
            return Outcome::Rejected(e.into());
        }
        let state = match self.begin(session, at).await {
            Ok(state) => state,
            Err(outcome) => return outcome,
        };
        // One counter behind the expected one (the last accepted) is scanned too,
        // so that resubmitting the last code is reported as a replay, not a miss.
        let window = Window::new(1, self.config.hotp_look_ahead);
        let found =
            next_counter(&state).and_then(|next| hotp.verify(input, next, window, state.last_step));
        self.settle(session, found, |m| hotp_advance(m, at)).await
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
        self.resync_flow(&mut self.session(credential), hotp, [first, second], at)
            .await
    }

    /// [`Guard::resync_hotp`] over `session`.
    async fn resync_flow(
        &self,
        session: &mut impl Session,
        hotp: &Hotp,
        [first, second]: [&str; 2],
        at: u64,
    ) -> Outcome {
        let digits = hotp.config().digits;
        if let Err(e) = Code::parse(first, digits).and(Code::parse(second, digits)) {
            return Outcome::Rejected(e.into());
        }
        let state = match self.begin(session, at).await {
            Ok(state) => state,
            Err(outcome) => return outcome,
        };
        let window = Window::look_ahead(self.config.hotp_resync_look_ahead);
        let found = next_counter(&state)
            .and_then(|next| hotp.verify_consecutive(first, second, next, window, state.last_step));
        self.settle(session, found, |m| hotp_advance(m, at)).await
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

    fn session<'a>(&'a self, credential: &'a CredentialId) -> StoreSession<'a, S> {
        StoreSession {
            store: &self.store,
            credential,
        }
    }

    /// Step 1: throttle check and advance failure count.
    async fn begin(&self, session: &mut impl Session, at: u64) -> Result<State, Outcome> {
        match session.begin(at, &self.config.throttle).await {
            Ok(Gate::Open(state)) => Ok(state),
            Ok(Gate::Throttled { retry_after }) => Err(Outcome::Throttled {
                retry_after: retry_after.map(Duration::from_secs),
            }),
            Err(e) => Err(Outcome::StoreUnavailable(e)),
        }
    }

    /// Steps 3 and 4: compare-and-set on a match, refund on a replay. A miss
    /// needs no store call: `begin` already counted it.
    async fn settle(
        &self,
        session: &mut impl Session,
        found: Result<Match, VerifyError>,
        advance: impl FnOnce(Match) -> Advance,
    ) -> Outcome {
        match found {
            Ok(m) => match session.advance(advance(m)).await {
                Ok(Advanced::Won) => Outcome::Accepted(m),
                Ok(Advanced::Lost) => Self::refunded(session).await,
                // Whether or not the write landed, this request is not accepted.
                Err(e) => Outcome::StoreUnavailable(e),
            },
            Err(VerifyError::Replayed) => Self::refunded(session).await,
            Err(e) => Outcome::Rejected(e),
        }
    }

    async fn refunded(session: &mut impl Session) -> Outcome {
        match session.refund().await {
            Ok(()) => Outcome::Replayed,
            // The failure stays counted: erring towards throttling is safe.
            Err(e) => Outcome::StoreUnavailable(e),
        }
    }
}

/// The HOTP counter after the last accepted one; an exhausted counter matches
/// nothing.
fn next_counter(state: &State) -> Result<u64, VerifyError> {
    match state.last_step {
        None => Ok(0),
        Some(last) => last.checked_add(1).ok_or(VerifyError::Mismatch),
    }
}

fn hotp_advance(m: Match, at: u64) -> Advance {
    Advance {
        step: m.step,
        drift: 0,
        now: at,
        expires_at: None,
    }
}

/// `a - b` as `i64`, saturating (the steps of one window are at most
/// `MAX_SPAN + MAX_DRIFT` apart, so it never saturates in practice).
fn signed_diff(a: u64, b: u64) -> i64 {
    let d = i64::try_from(a.abs_diff(b)).unwrap_or(i64::MAX);
    if a >= b {
        d
    } else {
        d.saturating_neg()
    }
}
