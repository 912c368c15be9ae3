//! Issue 13 §1: a call carrying a later time must not expire the replay records
//! of *other* credentials. Each scenario logs a victim in at the real time,
//! lets other calls carry a future time (an HOTP `at` in milliseconds, a
//! forward-stepped clock, `purge_expired` with a future time), then replays the
//! victim's code at the real time: it must stay [`Outcome::Replayed`], through
//! the async driver (`Guard::verify_*`) and the blocking one (`*_blocking`).
//!
//! One shard, so every call lands in the victim's shard and its amortised
//! sweep (after 64 writes) runs during the scenario.

use std::time::{SystemTime, UNIX_EPOCH};

use otpcore::{Hotp, HotpConfig, Secret, Totp, TotpConfig};
use otpcore_guard::store::{CredentialId, MemoryStore};
use otpcore_guard::{Guard, GuardConfig, Outcome};

/// More than the 64 writes after which a shard sweeps itself.
const OTHERS: u32 = 200;
/// A forward clock step of one hour.
const STEP_FORWARD: u64 = 3600;

#[derive(Clone, Copy, Debug)]
enum Driver {
    Async,
    Blocking,
}

impl Driver {
    async fn totp(
        self,
        g: &Guard<MemoryStore>,
        c: &CredentialId,
        t: &Totp,
        code: &str,
        at: u64,
    ) -> Outcome {
        match self {
            Driver::Async => g.verify_totp(c, t, code, at).await,
            Driver::Blocking => g.verify_totp_blocking(c, t, code, at),
        }
    }

    async fn hotp(
        self,
        g: &Guard<MemoryStore>,
        c: &CredentialId,
        h: &Hotp,
        code: &str,
        at: u64,
    ) -> Outcome {
        match self {
            Driver::Async => g.verify_hotp(c, h, code, at).await,
            Driver::Blocking => g.verify_hotp_blocking(c, h, code, at),
        }
    }
}

fn secret() -> Secret {
    Secret::from_bytes(b"12345678901234567890").unwrap()
}

fn id(s: &str) -> CredentialId {
    CredentialId::new(s).unwrap()
}

fn real_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A guard over a one-shard store, the TOTP, the time and the code the victim
/// logged in with (already accepted once).
async fn victim_logged_in(driver: Driver) -> (Guard<MemoryStore>, Totp, u64, String) {
    let guard = Guard::new(MemoryStore::with_shards(1), GuardConfig::default()).unwrap();
    let totp = Totp::new(&secret(), TotpConfig::default());
    let t = real_now();
    let code = totp.generate_at(t).unwrap().to_string();
    let first = driver.totp(&guard, &id("victim"), &totp, &code, t).await;
    assert!(
        matches!(first, Outcome::Accepted(_)),
        "{driver:?}: {first:?}"
    );
    (guard, totp, t, code)
}

async fn assert_still_replayed(
    driver: Driver,
    guard: &Guard<MemoryStore>,
    totp: &Totp,
    t: u64,
    code: &str,
) {
    let again = driver
        .totp(guard, &id("victim"), totp, code, t.saturating_add(1))
        .await;
    assert!(
        matches!(again, Outcome::Replayed),
        "{driver:?}: the victim's used code came back as {again:?}"
    );
}

async fn hotp_at_in_milliseconds_does_not_expire_other_totp_records(driver: Driver) {
    {
        let (guard, totp, t, code) = victim_logged_in(driver).await;
        let hotp = Hotp::new(&secret(), HotpConfig::default());
        let first = hotp.generate(0).to_string();
        for i in 0..OTHERS {
            let at_ms = t.saturating_mul(1000);
            let outcome = driver
                .hotp(&guard, &id(&format!("hotp{i}")), &hotp, &first, at_ms)
                .await;
            assert!(matches!(outcome, Outcome::Accepted(_)), "{outcome:?}");
        }
        assert_still_replayed(driver, &guard, &totp, t, &code).await;
    }
}

async fn forward_clock_step_does_not_expire_other_totp_records(driver: Driver) {
    {
        let (guard, totp, t, code) = victim_logged_in(driver).await;
        let stepped = t.saturating_add(STEP_FORWARD);
        let theirs = totp.generate_at(stepped).unwrap().to_string();
        for i in 0..OTHERS {
            let outcome = driver
                .totp(&guard, &id(&format!("user{i}")), &totp, &theirs, stepped)
                .await;
            assert!(matches!(outcome, Outcome::Accepted(_)), "{outcome:?}");
        }
        // The clock is back: the victim's code is still inside its window.
        assert_still_replayed(driver, &guard, &totp, t, &code).await;
    }
}

async fn purge_expired_with_a_future_time_keeps_records_still_in_their_window(driver: Driver) {
    {
        let (guard, totp, t, code) = victim_logged_in(driver).await;
        guard
            .store()
            .purge_expired(t.saturating_add(STEP_FORWARD))
            .unwrap();
        assert_still_replayed(driver, &guard, &totp, t, &code).await;
        guard.store().purge_expired(u64::MAX).unwrap();
        assert_still_replayed(driver, &guard, &totp, t, &code).await;
    }
}

/// One test per scenario and driver, so each failure is reported on its own.
/// Both run on tokio's current-thread runtime; the blocking driver never
/// awaits, so it runs there as it would on any thread.
macro_rules! through_both_drivers {
    ($($scenario:ident => $async_test:ident, $blocking_test:ident;)*) => {$(
        #[tokio::test(flavor = "current_thread")]
        async fn $async_test() {
            $scenario(Driver::Async).await;
        }

        #[tokio::test(flavor = "current_thread")]
        async fn $blocking_test() {
            $scenario(Driver::Blocking).await;
        }
    )*};
}

through_both_drivers! {
    hotp_at_in_milliseconds_does_not_expire_other_totp_records =>
        async_hotp_at_in_milliseconds_keeps_other_replay_records,
        blocking_hotp_at_in_milliseconds_keeps_other_replay_records;
    forward_clock_step_does_not_expire_other_totp_records =>
        async_forward_clock_step_keeps_other_replay_records,
        blocking_forward_clock_step_keeps_other_replay_records;
    purge_expired_with_a_future_time_keeps_records_still_in_their_window =>
        async_purge_expired_in_the_future_keeps_replay_records,
        blocking_purge_expired_in_the_future_keeps_replay_records;
}
