//! Fail closed: while the shared store is down every verification is
//! `StoreUnavailable` and nothing is accepted; after a restart, steps used
//! before the crash are still refused. The store crates' fault tests kill their
//! servers with SIGKILL around [`kill_and_restart`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use otpcore_guard::store::{CredentialId, Store};
use otpcore_guard::{Guard, Outcome};

use crate::{cred, totp, T};

/// A verification of a fresh, valid code for a new credential.
pub struct Attempt {
    pub cred: CredentialId,
    pub code: String,
    pub at: u64,
}

fn attempt(i: u64) -> Attempt {
    let at = T + i * 30;
    Attempt {
        cred: cred("fault"),
        code: totp().generate_at(at).unwrap().to_string(),
        at,
    }
}

/// Verifies fresh codes in a loop (on `workers` tasks) until `stop`,
/// returning every attempt with its outcome.
pub async fn hammer<S: Store + 'static>(
    guard: Arc<Guard<S>>,
    stop: Arc<AtomicBool>,
    workers: u64,
) -> Vec<(Attempt, Outcome)> {
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let (guard, stop) = (guard.clone(), stop.clone());
            tokio::spawn(async move {
                let mut log = Vec::new();
                let mut i = w;
                while !stop.load(Ordering::Relaxed) {
                    let a = attempt(i);
                    let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
                    log.push((a, o));
                    i += workers;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                log
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

/// The whole scenario, for any store: `kill` and `restart` act on its server.
pub async fn kill_and_restart<S: Store + 'static>(
    guard: Arc<Guard<S>>,
    kill: impl FnOnce(),
    restart: impl FnOnce(),
) {
    // 1. Mid-run: verifications in flight while the server is killed.
    let stop = Arc::new(AtomicBool::new(false));
    let run = tokio::spawn(hammer(guard.clone(), stop.clone(), 4));
    tokio::time::sleep(Duration::from_millis(300)).await;
    kill();
    let killed = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let log = run.await.unwrap();
    let accepted: Vec<&Attempt> = log
        .iter()
        .filter_map(|(a, o)| matches!(o, Outcome::Accepted(_)).then_some(a))
        .collect();
    assert!(
        accepted.len() > 10,
        "the store worked before the kill: {} accepted",
        accepted.len()
    );
    for (_, o) in &log {
        assert!(
            matches!(o, Outcome::Accepted(_) | Outcome::StoreUnavailable(_)),
            "only Accepted (before the kill) or StoreUnavailable (after): {o:?}"
        );
    }
    assert!(log
        .iter()
        .any(|(_, o)| matches!(o, Outcome::StoreUnavailable(_))));
    eprintln!(
        "mid-run: {} accepted before the kill, {} unavailable",
        accepted.len(),
        log.len() - accepted.len()
    );

    // 2. Down: valid codes — fresh ones and already used ones — all refused.
    for i in 0..50 {
        let a = attempt(100_000 + i);
        let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
        assert!(matches!(o, Outcome::StoreUnavailable(_)), "down: {o:?}");
    }
    for a in &accepted {
        let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
        assert!(matches!(o, Outcome::StoreUnavailable(_)), "down: {o:?}");
    }
    assert!(
        killed.elapsed() < Duration::from_secs(60),
        "refusals must not hang"
    );

    // 3. Restarted: every step accepted before the crash is still used.
    restart();
    let first = &accepted[0];
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match guard
            .verify_totp(&first.cred, &totp(), &first.code, first.at)
            .await
        {
            Outcome::StoreUnavailable(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            o => {
                assert!(matches!(o, Outcome::Replayed), "after restart: {o:?}");
                break;
            }
        }
    }
    for a in &accepted {
        let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
        assert!(
            matches!(o, Outcome::Replayed),
            "used before the crash, after restart: {o:?}"
        );
    }
    // And the store works again.
    let a = attempt(200_000);
    let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
    assert!(matches!(o, Outcome::Accepted(_)), "after restart: {o:?}");
}
