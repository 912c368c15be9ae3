//! [`Counting`]: a store wrapper that counts the operations a guard asks for,
//! to check that an ordinary TOTP verification is **one** store operation (one
//! round trip) on stores that implement `Store::attempt`.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use otpcore_guard::store::{
    Advance, Advanced, Candidates, CredentialId, Gate, State, Store, StoreError, Verdict,
};
use otpcore_guard::{Guard, GuardConfig, Outcome, ThrottlePolicy};

use crate::{cred, totp, T};

/// Forwards to `S`, counting every call (but an `attempt` answered
/// `Verdict::Unsupported`, which the trait's default does without I/O).
pub struct Counting<S> {
    pub inner: S,
    calls: Arc<AtomicUsize>,
}

impl<S> Counting<S> {
    pub fn new(inner: S) -> Self {
        Counting {
            inner,
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Calls so far, and resets the count.
    pub fn take(&self) -> usize {
        self.calls.swap(0, Ordering::SeqCst)
    }

    fn count(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

impl<S: Store> Store for Counting<S> {
    async fn attempt(
        &self,
        credential: &CredentialId,
        candidates: &Candidates,
        policy: &ThrottlePolicy,
    ) -> Result<Verdict, StoreError> {
        let verdict = self.inner.attempt(credential, candidates, policy).await;
        // The trait's default answers without I/O: not a store operation.
        if !matches!(verdict, Ok(Verdict::Unsupported)) {
            self.count();
        }
        verdict
    }

    fn begin(
        &self,
        credential: &CredentialId,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send {
        self.count();
        self.inner.begin(credential, now, policy)
    }

    fn advance(
        &self,
        credential: &CredentialId,
        advance: Advance,
    ) -> impl Future<Output = Result<Advanced, StoreError>> + Send {
        self.count();
        self.inner.advance(credential, advance)
    }

    fn refund(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.count();
        self.inner.refund(credential)
    }

    fn reset(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.count();
        self.inner.reset(credential)
    }

    fn remove(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.count();
        self.inner.remove(credential)
    }

    fn load(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<State, StoreError>> + Send {
        self.count();
        self.inner.load(credential)
    }
}

/// Every TOTP outcome — accepted, replayed, mismatch, throttled, and an
/// acceptance after failures — costs exactly `per_verification` store
/// operations: 1 for a store with `attempt`; for one without, the fallback's
/// 1 (throttled, mismatch) or 2 (accepted, replayed; 3 for a race lost).
pub async fn totp_store_operations<S: Store>(store: S, one_trip: bool) {
    let guard = Guard::new(
        Counting::new(store),
        GuardConfig {
            throttle: ThrottlePolicy::lockout_after(3).unwrap(),
            ..GuardConfig::default()
        },
    )
    .unwrap();
    let (t, c) = (totp(), cred("one-trip"));
    let code = |at: u64| t.generate_at(at).unwrap().to_string();
    let wrong = crate::scenarios::wrong_code(T / 30 - 12..=T / 30 + 12);
    let fallback = |n: usize| if one_trip { 1 } else { n };
    let check = |outcome: Outcome, want: fn(&Outcome) -> bool, ops: usize, what: &str| {
        assert!(want(&outcome), "{what}: {outcome:?}");
        assert_eq!(guard.store().take(), ops, "{what}: store operations");
    };
    let accepted = |o: &Outcome| matches!(o, Outcome::Accepted(_));
    check(
        guard.verify_totp(&c, &t, &code(T), T).await,
        accepted,
        fallback(2),
        "accepted",
    );
    let replay = guard.verify_totp(&c, &t, &code(T), T).await;
    check(
        replay,
        |o| matches!(o, Outcome::Replayed),
        fallback(2),
        "replayed",
    );
    let miss = guard.verify_totp(&c, &t, &wrong, T).await;
    check(
        miss,
        |o| matches!(o, Outcome::Rejected(_)),
        fallback(1),
        "mismatch",
    );
    let after = guard.verify_totp(&c, &t, &code(T + 30), T + 30).await;
    check(after, accepted, fallback(2), "accepted after a failure");
    for _ in 0..3 {
        let _ = guard.verify_totp(&c, &t, &wrong, T + 30).await;
    }
    guard.store().take();
    let locked = guard.verify_totp(&c, &t, &code(T + 60), T + 60).await;
    check(
        locked,
        |o| matches!(o, Outcome::Throttled { retry_after: None }),
        1,
        "throttled",
    );
}

/// Forwards to `S` except `Store::attempt`, which it leaves to the trait's
/// default (`Verdict::Unsupported`): the guard's fallback path, on any store.
pub struct TwoTrips<S>(pub S);

impl<S: Store> Store for TwoTrips<S> {
    fn begin(
        &self,
        credential: &CredentialId,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send {
        self.0.begin(credential, now, policy)
    }

    fn advance(
        &self,
        credential: &CredentialId,
        advance: Advance,
    ) -> impl Future<Output = Result<Advanced, StoreError>> + Send {
        self.0.advance(credential, advance)
    }

    fn refund(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.refund(credential)
    }

    fn reset(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.reset(credential)
    }

    fn remove(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.remove(credential)
    }

    fn load(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<State, StoreError>> + Send {
        self.0.load(credential)
    }
}
