//! The store contract: the same checks, word for word, for every `Store`.

use otpcore_guard::store::{Advance, Advanced, Gate, State, Store};
use otpcore_guard::ThrottlePolicy;

use crate::{cred, T};

fn totp_step(step: u64) -> Advance {
    Advance {
        step,
        drift: 0,
        now: T,
        expires_at: Some(T + 3600),
    }
}

fn hotp_counter(step: u64) -> Advance {
    Advance {
        step,
        drift: 0,
        now: T,
        expires_at: None,
    }
}

async fn open<S: Store>(
    store: &S,
    c: &otpcore_guard::store::CredentialId,
    now: u64,
    p: &ThrottlePolicy,
) -> State {
    match store.begin(c, now, p).await.unwrap() {
        Gate::Open(state) => state,
        other => panic!("expected Gate::Open at {now}, got {other:?}"),
    }
}

async fn throttled<S: Store>(
    store: &S,
    c: &otpcore_guard::store::CredentialId,
    now: u64,
    p: &ThrottlePolicy,
) -> Option<u64> {
    match store.begin(c, now, p).await.unwrap() {
        Gate::Throttled { retry_after } => retry_after,
        other => panic!("expected Gate::Throttled at {now}, got {other:?}"),
    }
}

/// Runs every contract check against `store`.
pub async fn run<S: Store>(store: &S) {
    advance_is_compare_and_set(store).await;
    steps_compare_as_u64(store).await;
    failures_are_counted_refunded_and_reset(store).await;
    lockout_and_back_off(store).await;
    drift_is_recorded_by_the_winner_only(store).await;
    hotp_counter_persists_and_remove_forgets(store).await;
}

/// The sequence: 100, 100, 99, 101 → won, lost, lost, won.
pub async fn advance_is_compare_and_set<S: Store>(store: &S) {
    let c = cred("cas");
    let mut results = Vec::new();
    for step in [100, 100, 99, 101] {
        results.push(store.advance(&c, totp_step(step)).await.unwrap());
    }
    assert_eq!(
        results,
        [Advanced::Won, Advanced::Lost, Advanced::Lost, Advanced::Won]
    );
    assert_eq!(store.load(&c).await.unwrap().last_step, Some(101));
}

/// HOTP counters anywhere in u64: above 2^53 (where Lua numbers and doubles lose
/// integers) and across decimal-length boundaries.
pub async fn steps_compare_as_u64<S: Store>(store: &S) {
    let c = cred("u64");
    let two53 = 1u64 << 53;
    let sequence: [(u64, Advanced); 12] = [
        (9, Advanced::Won),
        (10, Advanced::Won),
        (9_999_999_999, Advanced::Won),
        (10_000_000_000, Advanced::Won),
        (two53, Advanced::Won),
        (two53 + 1, Advanced::Won),
        (two53, Advanced::Lost),
        (two53 + 1, Advanced::Lost),
        (9_007_199_254_740_993 + 10, Advanced::Won),
        (u64::MAX - 1, Advanced::Won),
        (u64::MAX, Advanced::Won),
        (u64::MAX - 1, Advanced::Lost),
    ];
    for (step, expected) in sequence {
        assert_eq!(
            store.advance(&c, hotp_counter(step)).await.unwrap(),
            expected,
            "advance to {step}"
        );
    }
    assert_eq!(
        store.advance(&c, hotp_counter(u64::MAX)).await.unwrap(),
        Advanced::Lost
    );
    assert_eq!(store.load(&c).await.unwrap().last_step, Some(u64::MAX));
}

pub async fn failures_are_counted_refunded_and_reset<S: Store>(store: &S) {
    let c = cred("failures");
    let p = ThrottlePolicy::lockout_after(100).unwrap();
    assert_eq!(store.load(&c).await.unwrap(), State::default());
    for n in 1..=3 {
        assert_eq!(open(store, &c, T, &p).await.failures, n);
    }
    store.refund(&c).await.unwrap();
    assert_eq!(store.load(&c).await.unwrap().failures, 2);
    // A won advance resets the count; a lost one leaves it alone.
    assert_eq!(
        store.advance(&c, totp_step(5)).await.unwrap(),
        Advanced::Won
    );
    assert_eq!(store.load(&c).await.unwrap().failures, 0);
    assert_eq!(open(store, &c, T, &p).await.failures, 1);
    assert_eq!(
        store.advance(&c, totp_step(5)).await.unwrap(),
        Advanced::Lost
    );
    assert_eq!(store.load(&c).await.unwrap().failures, 1);
    store.reset(&c).await.unwrap();
    assert_eq!(store.load(&c).await.unwrap().failures, 0);
    // Refunds never go below zero.
    store.refund(&c).await.unwrap();
    store.refund(&c).await.unwrap();
    assert_eq!(store.load(&c).await.unwrap().failures, 0);
    assert_eq!(open(store, &c, T, &p).await.failures, 1);
    // Resetting or refunding an unknown credential is not an error.
    let unknown = cred("unknown");
    store.reset(&unknown).await.unwrap();
    store.refund(&unknown).await.unwrap();
}

pub async fn lockout_and_back_off<S: Store>(store: &S) {
    // Hard lockout: the limit-th failure is the last one allowed.
    let c = cred("lockout");
    let p = ThrottlePolicy::lockout_after(5).unwrap();
    for n in 1..=5 {
        assert_eq!(open(store, &c, T, &p).await.failures, n);
    }
    assert_eq!(throttled(store, &c, T + 1_000_000, &p).await, None);
    assert_eq!(
        store.load(&c).await.unwrap().failures,
        5,
        "refusals are not counted"
    );
    store.reset(&c).await.unwrap();
    assert_eq!(open(store, &c, T, &p).await.failures, 1);

    // Back-off: two free failures, then 10 s, 20 s, 40 s, 40 s … after the
    // previous attempt. Every store computes exactly `ThrottlePolicy::delay_after`.
    let c = cred("backoff");
    let p = ThrottlePolicy::lockout_after(100)
        .unwrap()
        .with_back_off(2, 10, 40)
        .unwrap();
    let mut now = T;
    open(store, &c, now, &p).await;
    open(store, &c, now, &p).await;
    for failures in 2..8u32 {
        let delay = p.delay_after(failures);
        assert_eq!(delay, [10, 20, 40, 40, 40, 40][failures as usize - 2]);
        assert_eq!(throttled(store, &c, now, &p).await, Some(delay));
        assert_eq!(throttled(store, &c, now + delay - 1, &p).await, Some(1));
        now += delay;
        assert_eq!(open(store, &c, now, &p).await.failures, failures + 1);
    }
    // A success forgets the streak: the next attempt is free again.
    assert_eq!(
        store.advance(&c, totp_step(1)).await.unwrap(),
        Advanced::Won
    );
    assert_eq!(open(store, &c, now, &p).await.failures, 1);
}

pub async fn drift_is_recorded_by_the_winner_only<S: Store>(store: &S) {
    let c = cred("drift");
    let with = |step, drift| Advance {
        drift,
        ..totp_step(step)
    };
    assert_eq!(
        store.advance(&c, with(10, -3)).await.unwrap(),
        Advanced::Won
    );
    assert_eq!(store.load(&c).await.unwrap().drift, -3);
    assert_eq!(
        store.advance(&c, with(10, 7)).await.unwrap(),
        Advanced::Lost
    );
    assert_eq!(store.load(&c).await.unwrap().drift, -3);
    assert_eq!(
        store.advance(&c, with(11, 1000)).await.unwrap(),
        Advanced::Won
    );
    assert_eq!(store.load(&c).await.unwrap().drift, 1000);
    assert_eq!(store.advance(&c, with(12, 0)).await.unwrap(), Advanced::Won);
    let state = store.load(&c).await.unwrap();
    assert_eq!((state.last_step, state.drift), (Some(12), 0));
    // begin reports the drift it verifies against.
    let p = ThrottlePolicy::default();
    store.advance(&c, with(13, -1)).await.unwrap();
    assert_eq!(
        open(store, &c, T, &p).await,
        State {
            last_step: Some(13),
            drift: -1,
            failures: 1
        }
    );
}

pub async fn hotp_counter_persists_and_remove_forgets<S: Store>(store: &S) {
    let c = cred("hotp");
    assert_eq!(
        store.advance(&c, hotp_counter(0)).await.unwrap(),
        Advanced::Won
    );
    assert_eq!(
        store.advance(&c, hotp_counter(0)).await.unwrap(),
        Advanced::Lost
    );
    assert_eq!(
        store.advance(&c, hotp_counter(7)).await.unwrap(),
        Advanced::Won
    );
    assert_eq!(store.load(&c).await.unwrap().last_step, Some(7));
    store.remove(&c).await.unwrap();
    assert_eq!(store.load(&c).await.unwrap(), State::default());
    assert_eq!(
        store.advance(&c, hotp_counter(0)).await.unwrap(),
        Advanced::Won
    );
}
