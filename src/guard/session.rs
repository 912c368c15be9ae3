//! [`Session`]: the three store operations a verification performs, for one
//! credential. The guard's logic is written once against it; it runs over any
//! [`Store`] ([`StoreSession`], one round trip per operation) and, for the
//! in-memory store, over an entry already locked for the whole verification
//! ([`MemoryStore::with_entry`](crate::store::MemoryStore), one lock and one hash
//! lookup in all).

use core::future::{ready, Future};

use crate::store::{Advance, Advanced, CredentialId, Entry, Gate, Store, StoreError};
use crate::ThrottlePolicy;

/// Store operations on one credential, in the order a verification uses them.
pub(crate) trait Session {
    /// [`Store::begin`].
    fn begin(
        &mut self,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send;
    /// [`Store::advance`].
    fn advance(
        &mut self,
        advance: Advance,
    ) -> impl Future<Output = Result<Advanced, StoreError>> + Send;
    /// [`Store::refund`].
    fn refund(&mut self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A credential in a [`Store`]: each operation is the store's own, atomic by
/// the store's contract.
pub(crate) struct StoreSession<'a, S> {
    pub(crate) store: &'a S,
    pub(crate) credential: &'a CredentialId,
}

impl<S: Store> Session for StoreSession<'_, S> {
    fn begin(
        &mut self,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send {
        self.store.begin(self.credential, now, policy)
    }

    fn advance(
        &mut self,
        advance: Advance,
    ) -> impl Future<Output = Result<Advanced, StoreError>> + Send {
        self.store.advance(self.credential, advance)
    }

    fn refund(&mut self) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.store.refund(self.credential)
    }
}

/// A credential's in-memory entry, held under its shard's lock for the whole
/// verification: atomic because nothing else can touch it meanwhile.
impl Session for &mut Entry {
    fn begin(
        &mut self,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> impl Future<Output = Result<Gate, StoreError>> + Send {
        ready(Ok(Entry::begin(self, now, policy)))
    }

    fn advance(
        &mut self,
        advance: Advance,
    ) -> impl Future<Output = Result<Advanced, StoreError>> + Send {
        ready(Ok(Entry::advance(self, &advance)))
    }

    fn refund(&mut self) -> impl Future<Output = Result<(), StoreError>> + Send {
        Entry::refund(self);
        ready(Ok(()))
    }
}
