//! Unit tests of the in-memory store's internals (sweeping, the synchronous
//! operations); the store contract itself is tested in `tests/store_contract.rs`.

use super::*;
use std::format;

fn id(s: &str) -> CredentialId {
    CredentialId::new(s).unwrap()
}

/// The `Store` operations, synchronously.
impl MemoryStore {
    fn advance_now(&self, c: &CredentialId, a: Advance) -> Result<Advanced, StoreError> {
        self.with_entry(c, a.now, |e| e.advance(&a))
    }
    fn begin_now(
        &self,
        c: &CredentialId,
        now: u64,
        p: &ThrottlePolicy,
    ) -> Result<Gate, StoreError> {
        self.with_entry(c, now, |e| e.begin(now, p))
    }
}

#[test]
fn expired_steps_are_swept_and_live_state_is_kept() {
    let store = MemoryStore::with_shards(1);
    let at = |step, expires| Advance {
        step,
        drift: 0,
        now: 0,
        expires_at: Some(expires),
    };
    for i in 0..1000 {
        store
            .advance_now(&id(&format!("u{i}")), at(1, 100))
            .unwrap();
    }
    store
        .advance_now(
            &id("drifted"),
            Advance {
                drift: 2,
                ..at(1, 100)
            },
        )
        .unwrap();
    store
        .advance_now(
            &id("hotp"),
            Advance {
                expires_at: None,
                ..at(7, 0)
            },
        )
        .unwrap();
    store
        .begin_now(&id("failed"), 0, &ThrottlePolicy::default())
        .unwrap();
    assert_eq!(store.len().unwrap(), 1003);
    // Writes at a later time sweep the dead entries without an explicit purge.
    for _ in 0..2000 {
        store
            .advance_now(
                &id("late"),
                Advance {
                    now: 1000,
                    ..at(1, 10_000)
                },
            )
            .unwrap();
    }
    assert_eq!(store.len().unwrap(), 4, "drifted, hotp, failed, late");
    assert_eq!(store.purge_expired(20_000).unwrap(), 3);
}

#[test]
fn credentials_spread_over_every_shard() {
    let store = MemoryStore::with_shards(16);
    for i in 0..16_000 {
        store
            .with_entry(&id(&format!("user{i}")), 0, |e| e.drift = 1)
            .unwrap();
    }
    let sizes: std::vec::Vec<usize> = store
        .shards
        .iter()
        .map(|s| lock(s).unwrap().entries.len())
        .collect();
    // 1,000 expected per shard; a shard choice that ignored the hash, or the
    // multiply-shift reduced to a constant, puts them all in one.
    assert!(sizes.iter().all(|&n| (800..1200).contains(&n)), "{sizes:?}");
    assert_eq!(store.len().unwrap(), 16_000);
}

#[test]
fn expiry_follows_the_store_clock_not_the_callers() {
    use crate::store::EXPIRY_GRACE_SECS;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    let clock = Arc::new(AtomicU64::new(1_000));
    let store = MemoryStore::with_shards(1).with_clock({
        let clock = Arc::clone(&clock);
        move || clock.load(Ordering::Relaxed)
    });
    let used = Advance {
        step: 1,
        drift: 0,
        now: 1_000,
        expires_at: Some(1_100),
    };
    store.advance_now(&id("victim"), used).unwrap();
    // Callers far in the future, many times over: the store's clock says the
    // step is still reachable, so neither the sweep nor a purge drops it.
    for i in 0..200 {
        let at = Advance {
            now: u64::MAX,
            ..used
        };
        store.advance_now(&id(&format!("u{i}")), at).unwrap();
    }
    assert_eq!(store.purge_expired(u64::MAX).unwrap(), 201);
    assert_eq!(store.load_now(&id("victim")).unwrap().last_step, Some(1));
    // Only once the store's own clock reaches expiry plus the grace.
    clock.store(1_099 + EXPIRY_GRACE_SECS, Ordering::Relaxed);
    assert_eq!(store.purge_expired(u64::MAX).unwrap(), 201);
    clock.store(1_100 + EXPIRY_GRACE_SECS, Ordering::Relaxed);
    assert_eq!(store.purge_expired(u64::MAX).unwrap(), 0);
    // A caller's past time sweeps less than the store's clock would.
    store.advance_now(&id("victim"), used).unwrap();
    assert_eq!(store.purge_expired(0).unwrap(), 1);
}
