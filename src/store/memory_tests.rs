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
