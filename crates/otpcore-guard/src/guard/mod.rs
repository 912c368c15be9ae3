//! [`Guard`]: stateful verification on top of a [`Store`] — replay protection,
//! throttling, drift tracking (and TOTP resynchronisation) and HOTP counters.

mod check;
mod config;
mod machine;
mod observe;
mod outcome;
mod sync_driver;

pub use config::{ConfigError, GuardConfig, ThrottlePolicy};
pub use outcome::Outcome;

use crate::store::{CredentialId, State, Store, StoreError};
use check::Decision;
use machine::{Action, Event, Verification};
use otpcore::{Hotp, Totp};

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
        let check = check::totp(&self.config, totp, input, at);
        let run = self.run(credential, Verification::offer(check));
        observe::verification("totp", run).await
    }

    /// Verifies an HOTP `input` for `credential`: tries the counter after the
    /// last accepted one and [`GuardConfig::hotp_look_ahead`] more (RFC 4226
    /// §7.4); on success the matched counter is recorded, so the counter only
    /// moves forward. The last accepted counter is tried as well, so that
    /// resubmitting its code is [`Outcome::Replayed`] rather than a failure;
    /// older codes are simply wrong. `at` (unix seconds) is used for throttling
    /// only: no store expires records by it (test
    /// `drivers::expiry::*_hotp_at_in_milliseconds_keeps_other_replay_records`).
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
        let check = check::hotp(&self.config, hotp, input, at);
        let run = self.run(credential, Verification::start(check, at));
        observe::verification("hotp", run).await
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
        let run = self.run(credential, Verification::start(check, at));
        observe::verification("hotp_resync", run).await
    }

    /// RFC 6238 §6 resynchronisation, for a device whose clock is too far off
    /// for [`Guard::verify_totp`]: accepts two consecutive codes `first`,
    /// `second` (the codes of steps `s - 1` and `s`) found within
    /// `±min(`[`GuardConfig::totp_resync_window`]`, `[`GuardConfig::max_drift`]`)`
    /// steps of the step of `at`, and records `s` and its offset as the drift,
    /// so that the next ordinary verification is centred on the device's clock
    /// (privacyIDEA calls this AutoResync). The returned match is that of
    /// `second`, its offset relative to the step of `at`.
    ///
    /// Counts as one attempt for throttling: a failed resync is a failure, a
    /// pair already used (or older than the last accepted step) is
    /// [`Outcome::Replayed`]. The record is the same compare-and-set as
    /// [`Guard::verify_totp`]'s, so a resync and a verification racing for one
    /// step accept only one of them.
    ///
    /// # Security
    /// See the type and [`Totp::verify_consecutive`]: every pair in the window is
    /// computed and compared in constant time.
    pub async fn resync_totp(
        &self,
        credential: &CredentialId,
        totp: &Totp,
        first: &str,
        second: &str,
        at: u64,
    ) -> Outcome {
        let check = check::totp_resync(&self.config, totp, [first, second], at);
        let run = self.run(credential, Verification::start(check, at));
        observe::verification("totp_resync", run).await
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

    /// The async driver: pumps the verification of `machine.rs`, one store
    /// operation per action (`attempt`; or `begin`, then the compare-and-set or
    /// the refund); it decides nothing itself.
    async fn run(
        &self,
        credential: &CredentialId,
        (mut verification, mut action): (Verification<impl FnOnce(State) -> Decision>, Action),
    ) -> Outcome {
        let store = &self.store;
        let policy = &self.config.throttle;
        loop {
            let event = match action {
                Action::Attempt(candidates) => {
                    let call = store.attempt(credential, &candidates, policy);
                    let verdict = observe::store_call("attempt", call).await;
                    Event::Attempted(candidates, verdict)
                }
                Action::Begin { now } => Event::Begun(store.begin(credential, now, policy).await),
                Action::Advance(advance) => {
                    let call = store.advance(credential, advance);
                    Event::Advanced(observe::store_call("advance", call).await)
                }
                Action::Refund => {
                    let call = store.refund(credential);
                    Event::Refunded(observe::store_call("refund", call).await)
                }
                Action::Finish(outcome) => return outcome,
            };
            action = verification.on(event);
        }
    }
}
