//! `StatefulVerifier.withRedis` / `withPostgres` (feature `stores`): a verifier
//! whose state is in a Redis server or a PostgreSQL database shared by every
//! worker process and server, so a code accepted by one is a replay for all.
//!
//! Each verifier owns a small tokio runtime (one worker thread, for the clients'
//! background connection tasks); its methods block the calling thread on it, as the
//! memory store's do on a lock. Create the verifier in each worker process after
//! it forks (a runtime does not survive `fork`).

use std::sync::Arc;
use std::time::Duration;

use otpcore_guard::store::{StoreError, StoreErrorKind};
use otpcore_guard::Guard;
use otpcore_postgres::PostgresStore;
use otpcore_redis::RedisStore;
use tokio::runtime::Runtime;

use super::backend::{Backend, Shared};
use crate::{OtpError, StatefulVerifier, VerifierConfig};

/// A `StoreUnavailable` error with a message that never contains the URL (which
/// may hold a password).
fn unavailable(what: &'static str) -> OtpError {
    OtpError::StoreUnavailable(StoreError::new(StoreErrorKind::Unavailable, what))
}

fn runtime() -> Result<Runtime, OtpError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("otpcore-store")
        .enable_all()
        .build()
        .map_err(|_| unavailable("cannot start the store's runtime"))
}

#[uniffi::export]
impl StatefulVerifier {
    /// A verifier whose state is in the Redis server at `url`
    /// (`redis://[:password@]host:port[/db]`), shared by every process using it:
    /// each code is accepted once across all of them.
    ///
    /// Fails closed: while the server cannot be reached, every verification is
    /// `StoreUnavailable` (after at most 1 s to connect and 2 s for an answer;
    /// there is no retry). Once the server is back the verifier reconnects by
    /// itself; the attempts made before it has are still `StoreUnavailable`.
    ///
    /// # Errors
    /// `InvalidConfig` as for the in-memory verifier; `StoreUnavailable` if the URL
    /// is malformed or the server cannot be reached now. Messages never contain
    /// the URL.
    #[uniffi::constructor]
    pub fn with_redis(url: String, config: VerifierConfig) -> Result<Arc<Self>, OtpError> {
        let config = config.try_into()?;
        let runtime = runtime()?;
        let client = redis::Client::open(url.as_str()).map_err(|_| unavailable("bad Redis URL"))?;
        let manager = redis::aio::ConnectionManagerConfig::new()
            .set_number_of_retries(0)
            .set_connection_timeout(Duration::from_secs(1))
            .set_response_timeout(Duration::from_secs(2));
        let connection = runtime
            .block_on(client.get_connection_manager_with_config(manager))
            .map_err(|_| unavailable("cannot reach Redis"))?;
        let guard = Guard::new(RedisStore::new(connection), config)?;
        Ok(Arc::new(StatefulVerifier {
            backend: Backend::Redis(Box::new(Shared { runtime, guard })),
        }))
    }

    /// A verifier whose state is in the PostgreSQL database at `url` (a libpq
    /// connection string or `postgresql://` URL; its table is created if
    /// missing), shared by every process using it.
    ///
    /// Fails closed: while the database cannot be reached, every verification
    /// is `StoreUnavailable`.
    ///
    /// # Errors
    /// `InvalidConfig`; `StoreUnavailable` if the connection string is
    /// malformed or the database cannot be reached or migrated now.
    #[uniffi::constructor]
    pub fn with_postgres(url: String, config: VerifierConfig) -> Result<Arc<Self>, OtpError> {
        use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};

        let config = config.try_into()?;
        let runtime = runtime()?;
        let mut pg: tokio_postgres::Config = url
            .parse()
            .map_err(|_| unavailable("bad PostgreSQL connection string"))?;
        pg.connect_timeout(Duration::from_secs(2));
        let manager = Manager::from_config(
            pg,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(8)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(5)))
            .create_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|_| unavailable("cannot build the PostgreSQL pool"))?;
        let store = PostgresStore::new(pool);
        runtime.block_on(store.migrate())?;
        let guard = Guard::new(store, config)?;
        Ok(Arc::new(StatefulVerifier {
            backend: Backend::Postgres(Box::new(Shared { runtime, guard })),
        }))
    }
}
