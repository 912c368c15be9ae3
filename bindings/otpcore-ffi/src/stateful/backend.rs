//! Where a [`StatefulVerifier`](super::StatefulVerifier) keeps its state, and
//! [`on_backend!`], which runs one guard call on it: the memory store's blocking
//! driver, or a shared store's async one on the verifier's own runtime.

use otpcore_guard::store::MemoryStore;
use otpcore_guard::Guard;
#[cfg(feature = "stores")]
use otpcore_postgres::PostgresStore;
#[cfg(feature = "stores")]
use otpcore_redis::RedisStore;
#[cfg(feature = "stores")]
use tokio::runtime::Runtime;

/// The verifier's store.
pub(super) enum Backend {
    /// This process's memory.
    Memory(Guard<MemoryStore>),
    /// A Redis server shared by every process that uses it.
    #[cfg(feature = "stores")]
    Redis(Box<Shared<Redis>>),
    /// A PostgreSQL database shared by every process that uses it.
    #[cfg(feature = "stores")]
    Postgres(Box<Shared<PostgresStore>>),
}

/// The Redis store over a connection manager that reconnects by itself.
#[cfg(feature = "stores")]
pub(super) type Redis = RedisStore<redis::aio::ConnectionManager>;

/// A shared store's guard and the runtime its calls run on.
#[cfg(feature = "stores")]
pub(super) struct Shared<S> {
    pub(super) runtime: Runtime,
    pub(super) guard: Guard<S>,
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
