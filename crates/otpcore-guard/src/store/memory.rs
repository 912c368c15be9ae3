//! [`MemoryStore`]: a sharded, in-process [`Store`].

use alloc::boxed::Box;
use core::future::{ready, Future};
use core::hash::BuildHasher;
use std::collections::hash_map::RandomState;
use std::sync::{Mutex, MutexGuard};

use hashbrown::HashTable;

use super::clock::{sweep_bound, Clock};
use super::entry::Entry;
use super::{
    Advance, Advanced, Candidates, CredentialId, Gate, State, Store, StoreError, StoreErrorKind,
    Verdict,
};
use crate::ThrottlePolicy;

/// An in-process [`Store`]: for a single server, tests, and the language bindings.
///
/// # Guarantees
/// Every operation runs under the lock of the credential's shard, so it is
/// atomic with respect to every other thread of the process; credentials in
/// different shards never contend. The blocking [`Guard`](crate::Guard) methods
/// (`verify_totp_blocking` and the like) hold the lock for the whole
/// verification — throttle check, scan, compare-and-set — which costs one lock
/// and one SipHash per verification instead of up to three, and keeps the shard
/// for ≈ 0.1–0.3 µs. State lives only as long as the value: a
/// restart forgets used steps, drift, failure counts and HOTP counters — use the
/// Redis or PostgreSQL store when that matters, and always for HOTP.
///
/// # Security
/// Replay records expire by **the store's own clock, never a caller's**. A
/// TOTP step is forgotten only once `min(caller time, store clock)` reaches
/// its [`Advance::expires_at`] plus [`EXPIRY_GRACE_SECS`](super::EXPIRY_GRACE_SECS)
/// (five minutes, for verifiers whose clocks run behind the store's), so no
/// call's time — an HOTP `at` in milliseconds, a forward-stepped clock,
/// [`MemoryStore::purge_expired`] with a future time — makes another
/// credential's used step acceptable again (tests `drivers::expiry::*`, through
/// both drivers, and the Python binding's `test_replay_expiry.py`). A caller
/// whose time runs behind only sweeps less.
///
/// The store's clock is the system clock, but never ahead of where it stood
/// when the store was created plus the monotonic time elapsed since: a
/// forward step of the wall clock (an NTP step, a VM resume) during the
/// store's life does not expire records early, and a backward step only keeps
/// them longer (`store::clock` unit tests). If the wall clock was already
/// ahead when the store was created *and* still is, records expire early by
/// that much. [`MemoryStore::with_clock`] replaces the clock.
///
/// A step recorded by a caller whose time runs ahead stays until the store's
/// clock reaches its expiry; meanwhile that credential's earlier codes are
/// refused as used. A caller's clock error thus costs only its own
/// credential's attempts.
///
/// # Memory
/// A credential's entry is dropped once it carries no information: its TOTP
/// step has expired as above, its drift is 0 and no failures are counted.
/// Each shard sweeps itself after as many writes as it holds entries
/// (amortised O(1) per operation), and [`MemoryStore::purge_expired`] sweeps
/// on demand. What remains is bounded by the number of credentials with an
/// HOTP counter, a non-zero drift, failures, or a step used in the last few
/// windows plus the grace.
///
/// # Errors
/// Operations fail with [`StoreErrorKind::Poisoned`] only if a thread panicked
/// while holding a shard's lock; the guard then fails closed.
pub struct MemoryStore {
    shards: Box<[Shard]>,
    hasher: RandomState,
    clock: Clock,
}

#[derive(Default)]
struct Shard {
    inner: Mutex<ShardInner>,
}

/// A shard's entries, in a table keyed by the store's own hash of the
/// credential id (SipHash with a per-store random key, so ids chosen to collide
/// cannot be precomputed): hashed once per operation, for the shard and the
/// table alike.
#[derive(Default)]
struct ShardInner {
    entries: HashTable<Slot>,
    writes_since_sweep: usize,
}

struct Slot {
    hash: u64,
    key: Box<str>,
    entry: Entry,
}

/// A credential id with its hash, as looked up in a shard.
#[derive(Clone, Copy)]
struct Key<'a> {
    hash: u64,
    id: &'a str,
}

impl Key<'_> {
    fn matches(&self, slot: &Slot) -> bool {
        slot.hash == self.hash && *slot.key == *self.id
    }
}

impl ShardInner {
    /// Counts a write and sweeps dead entries once the shard has seen as many
    /// writes as it holds entries (at least 64), so sweeping is amortised O(1).
    /// `bound` ([`sweep_bound`]) is asked for only when it sweeps.
    fn wrote(&mut self, bound: impl FnOnce() -> u64) {
        self.writes_since_sweep = self.writes_since_sweep.saturating_add(1);
        if self.writes_since_sweep >= self.entries.len().max(64) {
            let bound = bound();
            self.entries.retain(|slot| slot.entry.is_live(bound));
            self.writes_since_sweep = 0;
        }
    }

    fn get(&self, key: Key<'_>) -> Option<&Entry> {
        self.entries
            .find(key.hash, |slot| key.matches(slot))
            .map(|slot| &slot.entry)
    }

    fn get_mut(&mut self, key: Key<'_>) -> Option<&mut Entry> {
        self.entries
            .find_mut(key.hash, |slot| key.matches(slot))
            .map(|slot| &mut slot.entry)
    }

    fn remove(&mut self, key: Key<'_>) {
        if let Ok(found) = self.entries.find_entry(key.hash, |slot| key.matches(slot)) {
            found.remove();
        }
    }

    /// The credential's entry, created if absent (the only allocation: its key).
    fn entry(&mut self, key: Key<'_>) -> &mut Entry {
        &mut self
            .entries
            .entry(key.hash, |slot| key.matches(slot), |slot| slot.hash)
            .or_insert_with(|| Slot {
                hash: key.hash,
                key: Box::from(key.id),
                entry: Entry::default(),
            })
            .into_mut()
            .entry
    }
}

impl MemoryStore {
    /// A store with four shards per available CPU (at least 16).
    #[must_use]
    pub fn new() -> Self {
        let cpus = std::thread::available_parallelism().map_or(4, usize::from);
        Self::with_shards(cpus.saturating_mul(4).max(16))
    }

    /// A store with `shards` independently locked shards (at least 1).
    #[must_use]
    pub fn with_shards(shards: usize) -> Self {
        MemoryStore {
            shards: (0..shards.max(1)).map(|_| Shard::default()).collect(),
            hasher: RandomState::new(),
            clock: Clock::system(),
        }
    }

    /// The same store, expiring replay records by `clock` (unix seconds)
    /// instead of the system clock: for tests, or to share a clock that the
    /// application trusts more. See the type's `# Security`.
    #[must_use]
    pub fn with_clock(self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        MemoryStore {
            clock: Clock::Custom(alloc::sync::Arc::new(clock)),
            ..self
        }
    }

    /// Drops every entry that carries no information any more (see the type's
    /// docs), returning how many remain. A TOTP step counts as expired only
    /// once `min(now, store clock)` reaches its expiry plus
    /// [`EXPIRY_GRACE_SECS`](super::EXPIRY_GRACE_SECS): a `now` ahead of the
    /// store's clock purges no more than the store's clock allows (test
    /// `drivers::expiry::*_purge_expired_in_the_future_keeps_replay_records`).
    ///
    /// # Errors
    /// [`StoreErrorKind::Poisoned`].
    pub fn purge_expired(&self, now: u64) -> Result<usize, StoreError> {
        let bound = sweep_bound(now, self.clock.now());
        let mut remaining = 0usize;
        for shard in &self.shards {
            let mut inner = lock(shard)?;
            inner.entries.retain(|slot| slot.entry.is_live(bound));
            inner.writes_since_sweep = 0;
            remaining = remaining.saturating_add(inner.entries.len());
        }
        Ok(remaining)
    }

    /// Number of entries held, live or not yet swept.
    ///
    /// # Errors
    /// [`StoreErrorKind::Poisoned`].
    pub fn len(&self) -> Result<usize, StoreError> {
        self.shards.iter().try_fold(0usize, |n, shard| {
            Ok(n.saturating_add(lock(shard)?.entries.len()))
        })
    }

    /// Whether no entries are held.
    ///
    /// # Errors
    /// [`StoreErrorKind::Poisoned`].
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        self.len().map(|n| n == 0)
    }

    /// The credential's shard, locked, and its key there. The shard is chosen by
    /// bits 20..52 of the hash: the table inside uses the low bits for buckets
    /// and the top seven as tags, which should stay independent of the shard.
    fn shard<'a>(
        &self,
        credential: &'a CredentialId,
    ) -> Result<(MutexGuard<'_, ShardInner>, Key<'a>), StoreError> {
        let id = credential.as_str();
        let hash = self.hasher.hash_one(id);
        let len = u64::try_from(self.shards.len()).unwrap_or(u64::MAX);
        // (32-bit value · len) >> 32 is below len: a multiply-shift, no division.
        let index = ((hash >> 20) & 0xffff_ffff)
            .checked_mul(len)
            .map_or(0, |scaled| scaled >> 32);
        let shard = usize::try_from(index)
            .ok()
            .and_then(|i| self.shards.get(i))
            .ok_or(StoreError::kind_only(StoreErrorKind::InvalidData))?;
        Ok((lock(shard)?, Key { hash, id }))
    }

    /// Runs `f` on the credential's entry (created if absent) under its shard's
    /// lock, then counts one write (sweeping by [`sweep_bound`] of `now` and the
    /// store's clock). A whole verification runs inside:
    /// one lock and one lookup instead of one per store operation, and atomic
    /// because nothing else can touch the entry meanwhile. Keep `f` short: it
    /// holds up every credential of the shard.
    pub(crate) fn with_entry<R>(
        &self,
        credential: &CredentialId,
        now: u64,
        f: impl FnOnce(&mut Entry) -> R,
    ) -> Result<R, StoreError> {
        let (mut shard, key) = self.shard(credential)?;
        let result = f(shard.entry(key));
        shard.wrote(|| sweep_bound(now, self.clock.now()));
        Ok(result)
    }

    fn update(
        &self,
        credential: &CredentialId,
        f: impl FnOnce(&mut Entry),
    ) -> Result<(), StoreError> {
        let (mut shard, key) = self.shard(credential)?;
        if let Some(entry) = shard.get_mut(key) {
            f(entry);
        }
        Ok(())
    }

    /// [`Store::reset`], synchronously (the `Store` method wraps it in a ready
    /// future; the blocking [`Guard`](crate::Guard) methods call it directly).
    pub(crate) fn reset_now(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.update(credential, Entry::reset)
    }

    /// [`Store::remove`], synchronously (as [`MemoryStore::reset_now`]).
    pub(crate) fn remove_now(&self, credential: &CredentialId) -> Result<(), StoreError> {
        let (mut shard, key) = self.shard(credential)?;
        shard.remove(key);
        Ok(())
    }

    /// [`Store::load`], synchronously (as [`MemoryStore::reset_now`]).
    pub(crate) fn load_now(&self, credential: &CredentialId) -> Result<State, StoreError> {
        let (shard, key) = self.shard(credential)?;
        Ok(shard.get(key).map(Entry::state).unwrap_or_default())
    }
}

fn lock(shard: &Shard) -> Result<MutexGuard<'_, ShardInner>, StoreError> {
    // A poisoned lock means another thread panicked mid-update: fail closed
    // rather than trust state that may be half-written.
    shard
        .inner
        .lock()
        .map_err(|_| StoreError::kind_only(StoreErrorKind::Poisoned))
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("shards", &self.shards.len())
            .finish_non_exhaustive()
    }
}

impl Store for MemoryStore {
    fn begin(
        &self,
        credential: &CredentialId,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send {
        ready(self.with_entry(credential, now, |e| e.begin(now, policy)))
    }

    fn attempt(
        &self,
        credential: &CredentialId,
        candidates: &Candidates,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Verdict, StoreError>> + Send {
        let now = candidates.now();
        ready(self.with_entry(credential, now, |e| e.attempt(candidates, policy)))
    }

    fn advance(
        &self,
        credential: &CredentialId,
        advance: Advance,
    ) -> impl Future<Output = Result<Advanced, StoreError>> + Send {
        ready(self.with_entry(credential, advance.now, |e| e.advance(&advance)))
    }

    fn refund(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        ready(self.update(credential, Entry::refund))
    }

    fn reset(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        ready(self.reset_now(credential))
    }

    fn remove(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        ready(self.remove_now(credential))
    }

    fn load(
        &self,
        credential: &CredentialId,
    ) -> impl Future<Output = Result<State, StoreError>> + Send {
        ready(self.load_now(credential))
    }
}

#[cfg(test)]
mod tests;
