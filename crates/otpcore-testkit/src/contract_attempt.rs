//! The store contract of `Store::attempt`: one operation deciding a TOTP
//! verification exactly like `Candidates::decide` on `begin`'s state, then
//! applying `advance` or `refund` — checked verdict by verdict, and against
//! the state each leaves behind.

use otpcore::Window;
use otpcore_guard::store::{Advance, Candidates, CredentialId, State, Store, Verdict};
use otpcore_guard::ThrottlePolicy;

use crate::{cred, T};

/// The step of `T`; candidates are `E - 3 ..= E + 3` (max drift 2, window ±1).
const E: u64 = T / 30;

/// Candidates at `now` whose bits are `bits` (7 of `'0'`/`'1'`, for steps
/// `E - 3 ..= E + 3`).
fn offer(now: u64, match_bits: &str) -> Candidates {
    Candidates::new(
        now,
        E,
        2,
        Window::default(),
        bits(match_bits),
        Some(T + 600),
        30,
    )
    .unwrap()
}

fn bits(bits: &str) -> Box<[u8]> {
    bits.as_bytes().to_vec().into_boxed_slice()
}

fn lenient() -> ThrottlePolicy {
    ThrottlePolicy::lockout_after(100).unwrap()
}

async fn attempt<S: Store>(store: &S, c: &CredentialId, now: u64, bits: &str) -> Verdict {
    attempt_with(store, c, &lenient(), now, bits).await
}

async fn attempt_with<S: Store>(
    store: &S,
    c: &CredentialId,
    p: &ThrottlePolicy,
    now: u64,
    bits: &str,
) -> Verdict {
    store.attempt(c, &offer(now, bits), p).await.unwrap()
}

async fn state<S: Store>(store: &S, c: &CredentialId) -> (Option<u64>, i64, u32) {
    let State {
        last_step,
        drift,
        failures,
    } = store.load(c).await.unwrap();
    (last_step, drift, failures)
}

/// Runs every check of `Store::attempt` against `store`, which must implement
/// it (not answer `Verdict::Unsupported`).
pub async fn run<S: Store>(store: &S) {
    window_follows_the_recorded_drift(store).await;
    newest_fresh_match_wins_and_used_steps_are_replays(store).await;
    throttling_refuses_without_reading(store).await;
    recorded_drift_is_clamped(store).await;
    drift_returns_to_zero(store).await;
}

pub async fn window_follows_the_recorded_drift<S: Store>(store: &S) {
    let c = cred("attempt-drift");
    // Drift 0: window E-1..=E+1. A match at E+1 is accepted with drift +1.
    assert_eq!(
        attempt(store, &c, T, "0000100").await,
        Verdict::Accepted { step: E + 1 }
    );
    assert_eq!(state(store, &c).await, (Some(E + 1), 1, 0));
    // The same step again: a replay, nothing counted.
    assert_eq!(attempt(store, &c, T, "0000100").await, Verdict::Replayed);
    assert_eq!(state(store, &c).await, (Some(E + 1), 1, 0));
    // Drift 1: window E..=E+2. E-3 and E+3 are candidates but outside it.
    assert_eq!(attempt(store, &c, T, "1000000").await, Verdict::Mismatch);
    assert_eq!(attempt(store, &c, T, "0000001").await, Verdict::Mismatch);
    assert_eq!(state(store, &c).await, (Some(E + 1), 1, 2));
    // E+2 is in it: accepted, drift +2, failures forgotten.
    assert_eq!(
        attempt(store, &c, T, "0000011").await,
        Verdict::Accepted { step: E + 2 }
    );
    assert_eq!(state(store, &c).await, (Some(E + 2), 2, 0));
}

pub async fn newest_fresh_match_wins_and_used_steps_are_replays<S: Store>(store: &S) {
    let c = cred("attempt-newest");
    // Three matches in the window: the newest is taken.
    assert_eq!(
        attempt(store, &c, T, "0011100").await,
        Verdict::Accepted { step: E + 1 }
    );
    assert_eq!(state(store, &c).await, (Some(E + 1), 1, 0));
    // Drift 1: window E..=E+2. A used step (E) and a fresh one (E+2): accepted.
    assert_eq!(
        attempt(store, &c, T, "0001010").await,
        Verdict::Accepted { step: E + 2 }
    );
    // A miss, then a replay: the replay gives back nothing it did not count,
    // and leaves the failure counted by the miss.
    assert_eq!(attempt(store, &c, T, "0000000").await, Verdict::Mismatch);
    assert_eq!(attempt(store, &c, T, "0000110").await, Verdict::Replayed);
    assert_eq!(state(store, &c).await, (Some(E + 2), 2, 1));
}

pub async fn throttling_refuses_without_reading<S: Store>(store: &S) {
    let c = cred("attempt-lockout");
    let p = ThrottlePolicy::lockout_after(2).unwrap();
    assert_eq!(
        attempt_with(store, &c, &p, T, "0000000").await,
        Verdict::Mismatch
    );
    assert_eq!(
        attempt_with(store, &c, &p, T, "0000000").await,
        Verdict::Mismatch
    );
    // Locked out: even a right code is refused, and nothing changes.
    assert_eq!(
        attempt_with(store, &c, &p, T + 86_400, "0001000").await,
        Verdict::Throttled { retry_after: None }
    );
    assert_eq!(state(store, &c).await, (None, 0, 2));
    store.reset(&c).await.unwrap();
    assert_eq!(
        attempt_with(store, &c, &p, T, "0001000").await,
        Verdict::Accepted { step: E }
    );

    // Back-off: one free failure, then 10 s after the previous attempt.
    let c = cred("attempt-backoff");
    let p = ThrottlePolicy::lockout_after(100)
        .unwrap()
        .with_back_off(1, 10, 40)
        .unwrap();
    assert_eq!(
        attempt_with(store, &c, &p, T, "0000000").await,
        Verdict::Mismatch
    );
    assert_eq!(
        attempt_with(store, &c, &p, T + 4, "0001000").await,
        Verdict::Throttled {
            retry_after: Some(6)
        }
    );
    assert_eq!(
        attempt_with(store, &c, &p, T + 10, "0001000").await,
        Verdict::Accepted { step: E }
    );
    assert_eq!(state(store, &c).await, (Some(E), 0, 0));
}

pub async fn recorded_drift_is_clamped<S: Store>(store: &S) {
    let c = cred("attempt-clamp");
    let old = Advance {
        step: E - 10,
        drift: 50,
        now: T,
        expires_at: Some(T + 600),
    };
    store.advance(&c, old).await.unwrap();
    // Drift 50 clamped to the offer's max of 2: window E+1..=E+3.
    assert_eq!(
        attempt(store, &c, T, "0000100").await,
        Verdict::Accepted { step: E + 1 }
    );
    // Recorded drift is now 1: window E..=E+2; E+3 is outside.
    assert_eq!(attempt(store, &c, T, "0000001").await, Verdict::Mismatch);
}

/// A drift back to 0 is recorded as 0, whatever the store keeps for it.
pub async fn drift_returns_to_zero<S: Store>(store: &S) {
    let c = cred("attempt-drift-zero");
    assert_eq!(
        attempt(store, &c, T, "0000100").await,
        Verdict::Accepted { step: E + 1 }
    );
    assert_eq!(state(store, &c).await, (Some(E + 1), 1, 0));
    // One step later, drift 1: window E+2..=E+4 (candidates E-1..=E+5). A
    // match at E+2, the new expected step itself: drift 0.
    let later = Candidates::new(
        T + 30,
        E + 2,
        2,
        Window::default(),
        bits("0001000"),
        None,
        30,
    );
    assert_eq!(
        store
            .attempt(&c, &later.unwrap(), &lenient())
            .await
            .unwrap(),
        Verdict::Accepted { step: E + 2 }
    );
    assert_eq!(state(store, &c).await, (Some(E + 2), 0, 0));
}
