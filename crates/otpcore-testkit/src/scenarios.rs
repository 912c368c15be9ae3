//! Guard-level scenarios, run against every store: replay, throttling, drift
//! (RFC 6238 §6), TOTP resynchronisation (`totp_resync`) and HOTP counters
//! and resynchronisation (RFC 4226 §7.4).

pub mod totp_resync;

use std::time::Duration;

use otpcore::{VerifyError, Window};
use otpcore_guard::store::Store;
use otpcore_guard::{Guard, GuardConfig, Outcome, ThrottlePolicy};

use crate::{cred, hotp, totp, T};

/// RFC 4226 Appendix D: HOTP codes for counters 0..=9 of the test secret.
pub const RFC4226: [&str; 10] = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
    "520489",
];

fn code_at(at: u64) -> String {
    totp().generate_at(at).unwrap().to_string()
}

/// A six-digit code that is none of the codes of `steps` (so a "wrong" code
/// cannot match by chance).
pub fn wrong_code(steps: std::ops::RangeInclusive<u64>) -> String {
    let t = totp();
    let used: Vec<String> = steps.map(|s| t.generate_step(s).to_string()).collect();
    (0..)
        .map(|n: u32| format!("{:06}", 123_456 + n))
        .find(|c| !used.contains(c))
        .unwrap()
}

#[track_caller]
fn accepted(o: Outcome) -> otpcore::Match {
    match o {
        Outcome::Accepted(m) => m,
        other => panic!("expected Accepted, got {other:?}"),
    }
}

#[track_caller]
fn replayed(o: Outcome) {
    assert!(
        matches!(o, Outcome::Replayed),
        "expected Replayed, got {o:?}"
    );
}

#[track_caller]
fn mismatch(o: Outcome) {
    assert!(
        matches!(o, Outcome::Rejected(VerifyError::Mismatch)),
        "expected Mismatch, got {o:?}"
    );
}

/// Runs every scenario; `make` builds a guard over the store under test.
pub async fn run<S: Store + 'static, F: Fn(GuardConfig) -> Guard<S>>(make: F) {
    replay_is_refused(&make(GuardConfig::default())).await;
    hundred_and_first_failure_is_refused_unchecked(&make).await;
    back_off_grows_and_success_resets(&make).await;
    drift_is_tracked_within_its_bound(&make).await;
    hotp_counter_look_ahead_and_resync(&make(GuardConfig::default())).await;
    totp_resync::run(&make).await;
}

pub async fn replay_is_refused<S: Store>(guard: &Guard<S>) {
    let (t, c) = (totp(), cred("replay"));
    let code = code_at(T);
    let m = accepted(guard.verify_totp(&c, &t, &code, T).await);
    assert_eq!((m.step, m.offset), (T / 30, 0));
    // The same code again, a second later or on the next step (within the
    // window), is a replay; malformed input never reaches the store.
    replayed(guard.verify_totp(&c, &t, &code, T + 1).await);
    replayed(guard.verify_totp(&c, &t, &code, T + 30).await);
    assert!(matches!(
        guard.verify_totp(&c, &t, "12345", T).await,
        Outcome::Rejected(VerifyError::Malformed(_))
    ));
    // The next step's code is fresh; the previous one is now a replay too.
    accepted(guard.verify_totp(&c, &t, &code_at(T + 30), T + 30).await);
    replayed(guard.verify_totp(&c, &t, &code, T + 30).await);
    // Replays are correct codes: they do not count as failures.
    assert_eq!(guard.state(&c).await.unwrap().failures, 0);
}

/// NIST SP 800-63B: no more than 100 consecutive failures. The 101st attempt is
/// refused although its code is right — proof that it was never checked.
pub async fn hundred_and_first_failure_is_refused_unchecked<
    S: Store,
    F: Fn(GuardConfig) -> Guard<S>,
>(
    make: &F,
) {
    let guard = make(GuardConfig {
        throttle: ThrottlePolicy::lockout_after(100).unwrap(),
        ..GuardConfig::default()
    });
    let (t, c) = (totp(), cred("lockout"));
    let wrong = wrong_code(T / 30 - 12..=T / 30 + 12);
    for _ in 0..100 {
        mismatch(guard.verify_totp(&c, &t, &wrong, T).await);
    }
    assert_eq!(guard.state(&c).await.unwrap().failures, 100);
    let right = code_at(T);
    for at in [T, T + 1, T + 86_400 * 365] {
        let o = guard.verify_totp(&c, &t, &code_at(at), at).await;
        assert!(
            matches!(o, Outcome::Throttled { retry_after: None }),
            "{o:?}"
        );
    }
    assert_eq!(
        guard.state(&c).await.unwrap().failures,
        100,
        "refusals are not counted"
    );
    guard.reset(&c).await.unwrap();
    accepted(guard.verify_totp(&c, &t, &right, T).await);
    assert_eq!(guard.state(&c).await.unwrap().failures, 0);
}

pub async fn back_off_grows_and_success_resets<S: Store, F: Fn(GuardConfig) -> Guard<S>>(make: &F) {
    let policy = ThrottlePolicy::lockout_after(20)
        .unwrap()
        .with_back_off(3, 2, 30)
        .unwrap();
    let guard = make(GuardConfig {
        throttle: policy,
        ..GuardConfig::default()
    });
    let (t, c) = (totp(), cred("backoff"));
    let wrong = wrong_code(T / 30 - 12..=T / 30 + 60);
    let mut at = T;
    let mut waits = Vec::new();
    for _ in 0..3 {
        mismatch(guard.verify_totp(&c, &t, &wrong, at).await);
    }
    for _ in 0..6 {
        let wait = match guard.verify_totp(&c, &t, &wrong, at).await {
            Outcome::Throttled {
                retry_after: Some(d),
            } => d.as_secs(),
            other => panic!("expected back-off, got {other:?}"),
        };
        waits.push(wait);
        at += wait;
        mismatch(guard.verify_totp(&c, &t, &wrong, at).await);
    }
    // 2 s doubling after three free failures, capped at 30 s.
    assert_eq!(waits, [2, 4, 8, 16, 30, 30]);
    // Even the right code waits its turn …
    let o = guard.verify_totp(&c, &t, &code_at(at), at).await;
    assert!(
        matches!(o, Outcome::Throttled { retry_after: Some(d) } if d == Duration::from_secs(30)),
        "{o:?}"
    );
    // … and then resets the streak: the next mistakes are free again.
    at += 30;
    accepted(guard.verify_totp(&c, &t, &code_at(at), at).await);
    for _ in 0..3 {
        mismatch(guard.verify_totp(&c, &t, &wrong, at).await);
    }
    assert_eq!(guard.state(&c).await.unwrap().failures, 3);
}

/// RFC 6238 §6: a client whose clock runs ahead, one step more at each login.
/// The guard follows it up to `max_drift`, and no further than
/// `max_drift + window.ahead` steps from the server's clock.
pub async fn drift_is_tracked_within_its_bound<S: Store, F: Fn(GuardConfig) -> Guard<S>>(make: &F) {
    let guard = make(GuardConfig {
        max_drift: 3,
        totp_window: Window::symmetric(1),
        ..GuardConfig::default()
    });
    let t = totp();
    for (name, sign) in [("ahead", 1i64), ("behind", -1i64)] {
        let c = cred(name);
        let mut at = T;
        let client = |at: u64, skew: i64| code_at(at.checked_add_signed(skew * 30).unwrap());
        for skew in 1..=4i64 {
            at += 3600; // the next login, an hour later
            let m = accepted(
                guard
                    .verify_totp(&c, &t, &client(at, sign * skew), at)
                    .await,
            );
            assert_eq!(
                m.offset,
                sign * skew,
                "{name}: offset from the server's step"
            );
            assert_eq!(
                guard.state(&c).await.unwrap().drift,
                sign * skew.min(3),
                "{name}: clamped"
            );
        }
        // Five steps off is beyond max_drift (3) + window (1): refused.
        at += 3600;
        mismatch(guard.verify_totp(&c, &t, &client(at, sign * 5), at).await);
        // Back in sync: accepted (the window is centred 3 steps off, but the
        // client recovers gradually), and the drift follows.
        let m = accepted(guard.verify_totp(&c, &t, &client(at, sign * 2), at).await);
        assert_eq!(m.offset, sign * 2);
        assert_eq!(guard.state(&c).await.unwrap().drift, sign * 2);
    }
    // Without recorded drift a two-step skew is outside a ±1 window.
    let c = cred("no-history");
    mismatch(guard.verify_totp(&c, &t, &code_at(T + 60), T).await);
}

/// RFC 4226 §7.2 / §7.4 with the Appendix D codes.
pub async fn hotp_counter_look_ahead_and_resync<S: Store>(guard: &Guard<S>) {
    let (h, c) = (hotp(), cred("hotp"));
    let m = accepted(guard.verify_hotp(&c, &h, RFC4226[0], T).await);
    assert_eq!((m.step, m.offset), (0, 0));
    replayed(guard.verify_hotp(&c, &h, RFC4226[0], T).await);
    // Look-ahead: counter 4 is four ahead of the expected 1.
    let m = accepted(guard.verify_hotp(&c, &h, RFC4226[4], T).await);
    assert_eq!((m.step, m.offset), (4, 3));
    // The counter never moves back: 4 is used, 2 and 3 are behind it now.
    replayed(guard.verify_hotp(&c, &h, RFC4226[4], T).await);
    mismatch(guard.verify_hotp(&c, &h, RFC4226[2], T).await);
    assert_eq!(guard.state(&c).await.unwrap().last_step, Some(4));

    // A token pressed far ahead: counter 40 is outside the look-ahead (5..=15) …
    let code = |n: u64| h.generate(n).to_string();
    mismatch(guard.verify_hotp(&c, &h, &code(40), T).await);
    // … so resynchronise with two consecutive codes, within 100 of the counter.
    let o = guard.resync_hotp(&c, &h, &code(40), &code(42), T).await;
    mismatch(o); // not consecutive
    let m = accepted(guard.resync_hotp(&c, &h, &code(40), &code(41), T).await);
    assert_eq!((m.step, m.offset), (41, 36));
    accepted(guard.verify_hotp(&c, &h, &code(42), T).await);
    // The same pair again is behind the counter; a pair beyond the resync
    // window is not found either.
    mismatch(guard.resync_hotp(&c, &h, &code(40), &code(41), T).await);
    mismatch(guard.resync_hotp(&c, &h, &code(500), &code(501), T).await);
    assert_eq!(guard.state(&c).await.unwrap().last_step, Some(42));

    // RFC 4226 Appendix D: resync a fresh credential straight to counters 8, 9.
    let c = cred("hotp-resync");
    let m = accepted(guard.resync_hotp(&c, &h, RFC4226[8], RFC4226[9], T).await);
    assert_eq!(m.step, 9);
    replayed(guard.verify_hotp(&c, &h, RFC4226[9], T).await);
}
