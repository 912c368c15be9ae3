//! Shared state for stateful verification: the [`Store`] trait and its
//! implementations.
//!
//! A [`Guard`](crate::Guard) keeps three things per credential in a store: the
//! last accepted TOTP step or HOTP counter (replay protection, RFC 6238 §5.2 and
//! RFC 4226 §7.2), the recorded TOTP clock drift (RFC 6238 §6), and the count of
//! consecutive failures (throttling, RFC 4226 §7.3). Servers behind a load
//! balancer share one store, and the store — not the servers — decides every race.
//!
//! | store | guarantees |
//! |---|---|
//! | [`MemoryStore`] | One process. Linearisable per credential (a lock per shard). Lost on restart. |
//! | `RedisStore` (crate `otpcore-redis`) | Every operation is one Lua script, atomic on one Redis primary. Durable only as far as the server's persistence (`appendfsync always` to survive a crash); replicas are asynchronous, so a failover can lose accepted steps unless writes are confirmed with `WAIT`. |
//! | `PostgresStore` (crate `otpcore-postgres`) | Every operation is one statement deciding the race under the row lock. Durable once committed; the right home for HOTP counters. |
//!
//! **Which clock expires a used TOTP step.** A step may be forgotten once no
//! window can reach it ([`Advance::expires_at`]) plus [`EXPIRY_GRACE_SECS`].
//! Every store judges that by a clock the caller cannot move forward:
//! [`MemoryStore`] by its own (the system clock, never ahead of its start plus
//! monotonic time), `PostgresStore::purge_expired` by the database's `now()`,
//! `RedisStore` by the later of the caller's and the Redis server's clock. A
//! call whose time runs ahead — an HOTP `at` in milliseconds, a forward clock
//! step, `purge_expired` with a future time — never makes another credential's
//! used step acceptable again (tests in `crates/otpcore-guard/tests/drivers/expiry.rs`,
//! `crates/otpcore-redis/tests/redis_store/keys.rs` and
//! `crates/otpcore-postgres/tests/postgres_store/schema.rs`).

mod candidates;
mod clock;
mod credential;
mod entry;
mod memory;

use alloc::boxed::Box;
use alloc::sync::Arc;
use core::fmt;
use core::future::Future;

pub use candidates::{Candidates, CandidatesError, Verdict};
pub use clock::EXPIRY_GRACE_SECS;
pub use credential::{CredentialId, CredentialIdError};
pub(crate) use entry::Entry;
pub use memory::MemoryStore;

use crate::ThrottlePolicy;

/// One credential's state as a store last saw it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct State {
    /// The last accepted TOTP step or HOTP counter; `None` if none was accepted
    /// (or, for TOTP, it has expired: see [`Advance::expires_at`]).
    pub last_step: Option<u64>,
    /// Recorded TOTP clock drift in steps (0 for HOTP).
    pub drift: i64,
    /// Consecutive failures counted, including attempts still in flight.
    pub failures: u32,
}

/// The answer of [`Store::begin`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Gate {
    /// The attempt may proceed; it has been counted as a failure in advance, and
    /// this is the state to verify against.
    Open(State),
    /// The throttle policy refuses the attempt. Nothing was counted.
    Throttled {
        /// Seconds until an attempt may proceed; `None` during a hard lockout.
        retry_after: Option<u64>,
    },
}

/// A request to [`Store::advance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Advance {
    /// The step or counter to record as the last accepted one.
    pub step: u64,
    /// The drift to record along with it (0 for HOTP).
    pub drift: i64,
    /// The verifier's clock, unix seconds.
    pub now: u64,
    /// Unix time after which `step` can no longer be accepted anyway, so the
    /// store may forget it (TOTP); `None` to keep it for ever (HOTP counters).
    /// Stores judge it by their own clock, never by a caller's time alone, and
    /// keep the step [`EXPIRY_GRACE_SECS`] longer (see each store's
    /// `# Security`).
    pub expires_at: Option<u64>,
}

/// The answer of [`Store::advance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Advanced {
    /// `step` was greater than the last accepted step and is now recorded.
    Won,
    /// The last accepted step was already `>= step`; nothing changed.
    Lost,
}

/// Storage for stateful verification, atomic per credential.
///
/// # Contract
/// Every method is **one atomic operation** on the credential's state, even when
/// many processes on many machines call it at once: the tests in this crate race
/// 64 callers on the same credential and fail for a store that reads and then
/// writes in two steps. Methods return futures that are `Send`, so a server on a
/// multi-threaded runtime can hold them across `.await`.
///
/// # Errors
/// Every method returns [`StoreError`] when the backend cannot be read or
/// written. The [`Guard`](crate::Guard) then fails closed: it accepts nothing.
pub trait Store: Send + Sync {
    /// Throttle check and failure count, as one atomic step: if `policy`
    /// ([`ThrottlePolicy::check`]) allows an attempt at `now` with the recorded
    /// failures and previous-attempt time (none while no failure is counted), add
    /// one failure, record `now` as the
    /// previous attempt and return [`Gate::Open`] with the state (the new failure
    /// count included); otherwise change nothing and return [`Gate::Throttled`].
    fn begin(
        &self,
        credential: &CredentialId,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send;

    /// A whole TOTP verification as **one** atomic operation (one round trip):
    /// the throttle check of [`Store::begin`]; then, on the state it read, the
    /// decision of [`Candidates::decide`] (the drift-centred window over the
    /// match bits, newest fresh match first); then its effect, as
    /// [`Store::advance`] for [`Verdict::Accepted`] (step, drift, failures
    /// reset), nothing for [`Verdict::Replayed`] (`begin` then `refund`), one
    /// failure counted for [`Verdict::Mismatch`]. [`Verdict::Throttled`] changes
    /// nothing and does not read the match bits.
    ///
    /// The default answers [`Verdict::Unsupported`] at once, without I/O: the
    /// guard then makes the same decision itself over `begin`, `advance` and
    /// `refund`, in two or three operations. A store that implements it must
    /// decide exactly like [`Candidates::decide`]; the testkit's contract
    /// checks it (`contract_attempt`).
    fn attempt(
        &self,
        credential: &CredentialId,
        candidates: &Candidates,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Verdict, StoreError>> + Send {
        let _ = (credential, candidates, policy);
        core::future::ready(Ok(Verdict::Unsupported))
    }

    /// Compare-and-set: if no step is recorded or the recorded one is below
    /// `advance.step`, record `step` and `drift`, reset the failure count to 0
    /// (forgetting the previous-attempt time) and return [`Advanced::Won`]; otherwise change nothing and return
    /// [`Advanced::Lost`]. Steps compare as unsigned 64-bit integers.
    fn advance(
        &self,
        credential: &CredentialId,
        advance: Advance,
    ) -> impl Future<Output = Result<Advanced, StoreError>> + Send;

    /// Gives back one failure counted by [`Store::begin`] (never below 0; at 0 the
    /// previous-attempt time is forgotten too): the attempt turned out to be a
    /// correct code, only a used one.
    fn refund(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Sets the failure count to 0 and forgets the previous-attempt time, lifting
    /// back-off and lockout.
    fn reset(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forgets everything about the credential (for example when it is deleted
    /// or re-enrolled with a new secret).
    fn remove(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The current state, without changing it.
    fn load(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<State, StoreError>> + Send;
}

/// What went wrong in a store. Carries the backend's error as its `source`.
/// Never contains a secret or a code: stores see neither.
#[derive(Clone, Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// The kind of a [`StoreError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The backend could not be reached or refused the operation.
    Unavailable,
    /// The backend returned data that is not a valid state.
    InvalidData,
    /// A lock was poisoned by a panic in another thread.
    Poisoned,
}

impl StoreError {
    /// An error of `kind` caused by `source`.
    pub fn new(
        kind: StoreErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        StoreError {
            kind,
            source: Some(Arc::from(source.into())),
        }
    }

    /// An error of `kind` with no further detail.
    #[must_use]
    pub const fn kind_only(kind: StoreErrorKind) -> Self {
        StoreError { kind, source: None }
    }

    /// What went wrong.
    #[must_use]
    pub const fn kind(&self) -> StoreErrorKind {
        self.kind
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            StoreErrorKind::Unavailable => "store unavailable",
            StoreErrorKind::InvalidData => "store returned invalid data",
            StoreErrorKind::Poisoned => "store lock poisoned",
        })?;
        match &self.source {
            Some(source) => write!(f, ": {source}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
