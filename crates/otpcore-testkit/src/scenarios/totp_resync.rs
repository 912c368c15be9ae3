//! RFC 6238 §6 resynchronisation through a [`Guard`] over the store under test:
//! two consecutive codes re-centre the recorded drift; failures are throttled;
//! the record is the same compare-and-set as an ordinary verification, so
//! concurrent resyncs and verifications of one step accept exactly one.

use std::sync::Arc;

use otpcore_guard::store::Store;
use otpcore_guard::{Guard, GuardConfig, Outcome, ThrottlePolicy};
use tokio::sync::Barrier;

use super::{accepted, mismatch, replayed};
use crate::{cred, totp, T};

/// The code a device whose clock is `skew` steps off shows at server time `at`.
fn device(at: u64, skew: i64) -> String {
    let t = totp();
    t.generate_step((at / 30).saturating_add_signed(skew))
        .to_string()
}

/// Runs the TOTP resync scenarios; `make` builds a guard over the store.
pub async fn run<S: Store + 'static, F: Fn(GuardConfig) -> Guard<S>>(make: &F) {
    recentres_the_drift(&make(GuardConfig::default())).await;
    failures_are_throttled(make).await;
    let guard = Arc::new(make(crate::race::race_config()));
    one_of_racing_resyncs_and_verifications_wins(guard)
        .await
        .unwrap();
}

/// A device 7 steps (3.5 minutes) fast: out of the ordinary ±1 window, found
/// by a resync within ±10, after which ordinary codes are accepted again.
pub async fn recentres_the_drift<S: Store>(guard: &Guard<S>) {
    let (t, c) = (totp(), cred("totp-resync"));
    mismatch(guard.verify_totp(&c, &t, &device(T, 7), T).await);
    // Not consecutive: refused, and counted as a failure like any attempt.
    mismatch(
        guard
            .resync_totp(&c, &t, &device(T, 6), &device(T, 8), T)
            .await,
    );
    assert_eq!(guard.state(&c).await.unwrap().failures, 2);
    let m = accepted(
        guard
            .resync_totp(&c, &t, &device(T, 6), &device(T, 7), T)
            .await,
    );
    assert_eq!((m.step, m.offset), (T / 30 + 7, 7));
    let state = guard.state(&c).await.unwrap();
    assert_eq!(
        (state.drift, state.last_step, state.failures),
        (7, Some(T / 30 + 7), 0)
    );
    // The same pair again, or its second code alone, is a replay.
    replayed(
        guard
            .resync_totp(&c, &t, &device(T, 6), &device(T, 7), T)
            .await,
    );
    replayed(guard.verify_totp(&c, &t, &device(T, 7), T).await);
    // Next step: the ordinary window is centred on the device's clock now.
    let at = T + 30;
    let m = accepted(guard.verify_totp(&c, &t, &device(at, 7), at).await);
    assert_eq!(m.offset, 7);

    // A slow clock is found the same way.
    let c = cred("totp-resync-slow");
    let m = accepted(
        guard
            .resync_totp(&c, &t, &device(T, -10), &device(T, -9), T)
            .await,
    );
    assert_eq!((m.offset, guard.state(&c).await.unwrap().drift), (-9, -9));

    // Beyond ±min(totp_resync_window, max_drift) = ±10 steps: not found.
    let c = cred("totp-resync-far");
    mismatch(
        guard
            .resync_totp(&c, &t, &device(T, 11), &device(T, 12), T)
            .await,
    );
    mismatch(
        guard
            .resync_totp(&c, &t, &device(T, -12), &device(T, -11), T)
            .await,
    );
}

/// A failed resync counts as a failure: after the lockout, even a right pair is
/// refused unchecked.
pub async fn failures_are_throttled<S: Store, F: Fn(GuardConfig) -> Guard<S>>(make: &F) {
    let guard = make(GuardConfig {
        throttle: ThrottlePolicy::lockout_after(3).unwrap(),
        ..GuardConfig::default()
    });
    let (t, c) = (totp(), cred("totp-resync-throttle"));
    for _ in 0..3 {
        mismatch(
            guard
                .resync_totp(&c, &t, &device(T, 3), &device(T, 5), T)
                .await,
        );
    }
    let o = guard
        .resync_totp(&c, &t, &device(T, 3), &device(T, 4), T)
        .await;
    assert!(
        matches!(o, Outcome::Throttled { retry_after: None }),
        "{o:?}"
    );
    guard.reset(&c).await.unwrap();
    accepted(
        guard
            .resync_totp(&c, &t, &device(T, 3), &device(T, 4), T)
            .await,
    );

    // max_drift bounds the search: with max_drift 5, a 7-step skew is out of
    // reach although totp_resync_window is 10.
    let guard = make(GuardConfig {
        max_drift: 5,
        ..GuardConfig::default()
    });
    let c = cred("totp-resync-narrow");
    mismatch(
        guard
            .resync_totp(&c, &t, &device(T, 6), &device(T, 7), T)
            .await,
    );
    let m = accepted(
        guard
            .resync_totp(&c, &t, &device(T, 4), &device(T, 5), T)
            .await,
    );
    assert_eq!(m.offset, 5);
}

/// 16 contenders at once on one step of a device in sync: half resync with the
/// pair ending at that step, half verify its code. Exactly one is accepted, in
/// every round, the rest are replays: resync and verification share the
/// store's compare-and-set. Returns the first violation (a store that reads
/// then writes in two steps commits one: `tests/store_contract.rs` of
/// otpcore-guard checks that this catches it).
pub async fn one_of_racing_resyncs_and_verifications_wins<S: Store + 'static>(
    guard: Arc<Guard<S>>,
) -> Result<(), String> {
    const CONTENDERS: usize = 16;
    let c = cred("totp-resync-race");
    for round in 0..10u64 {
        let at = T + 30 * round;
        let barrier = Arc::new(Barrier::new(CONTENDERS));
        let tasks: Vec<_> = (0..CONTENDERS)
            .map(|i| {
                let (guard, barrier, c) = (guard.clone(), barrier.clone(), c.clone());
                tokio::spawn(async move {
                    let t = totp();
                    barrier.wait().await;
                    if i % 2 == 0 {
                        let (a, b) = (device(at, -1), device(at, 0));
                        guard.resync_totp(&c, &t, &a, &b, at).await
                    } else {
                        guard.verify_totp(&c, &t, &device(at, 0), at).await
                    }
                })
            })
            .collect();
        let (mut accepted, mut replayed) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Outcome::Accepted(m) => {
                    assert_eq!(m.step, at / 30);
                    accepted += 1;
                }
                Outcome::Replayed => replayed += 1,
                other => return Err(format!("round {round}: unexpected {other:?}")),
            }
        }
        if (accepted, replayed) != (1, CONTENDERS - 1) {
            return Err(format!(
                "round {round}: {accepted} accepted, {replayed} replayed"
            ));
        }
    }
    Ok(())
}
