//! Where a [`StatefulVerifier`](super::StatefulVerifier) keeps its state, and
//! [`on_backend!`], which runs one guard call on it: the memory store's blocking
//! driver, or a shared store's async one on the verifier's own runtime.

use otpcore_guard::store::MemoryStore;
use otpcore_guard::Guard;

/// The verifier's store.
pub(super) enum Backend {
    /// This process's memory.
    Memory(Guard<MemoryStore>),
    /// A Redis server shared by every process that uses it.
    #[cfg(feature = "stores")]
    Redis(Box<super::shared::Shared<super::shared::Redis>>),
    /// A PostgreSQL database shared by every process that uses it.
    #[cfg(feature = "stores")]
    Postgres(Box<super::shared::Shared<otpcore_postgres::PostgresStore>>),
}

/// `on_backend!(backend, |g| { blocking: <call on Guard<MemoryStore>>, shared:
/// <future from Guard<S>> })`: the same guard call, with the driver each store
/// needs. Both drivers pump the one verification of `otpcore_guard`.
macro_rules! on_backend {
    ($backend:expr, |$g:ident| { blocking: $sync:expr, shared: $async:expr $(,)? }) => {
        match $backend {
            Backend::Memory($g) => $sync,
            #[cfg(feature = "stores")]
            Backend::Redis(s) => s.runtime.block_on({
                let $g = &s.guard;
                $async
            }),
            #[cfg(feature = "stores")]
            Backend::Postgres(s) => s.runtime.block_on({
                let $g = &s.guard;
                $async
            }),
        }
    };
}
pub(super) use on_backend;
