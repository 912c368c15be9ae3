//! Shared test code for the stateful-verification suites: the store contract,
//! guard scenarios, the race harness, a deliberately broken store, and private
//! Redis / PostgreSQL servers. Each test binary uses a different subset.
#![allow(dead_code)]

pub mod contract;
pub mod non_atomic;
pub mod race;
pub mod scenarios;
#[cfg(any(feature = "redis", feature = "postgres"))]
pub mod servers;

use otpcore::store::CredentialId;
use otpcore::{Hotp, HotpConfig, Secret, Totp, TotpConfig};

/// The RFC 4226 / RFC 6238 SHA-1 test secret.
pub const RFC_SECRET: &[u8] = b"12345678901234567890";

/// A realistic unix time (2023-11-14T22:13:20Z), the start of step 56_666_666.
pub const T: u64 = 1_700_000_000 - 1_700_000_000 % 30;

pub fn totp() -> Totp {
    Totp::new(
        &Secret::from_bytes(RFC_SECRET).unwrap(),
        TotpConfig::default(),
    )
}

pub fn hotp() -> Hotp {
    Hotp::new(
        &Secret::from_bytes(RFC_SECRET).unwrap(),
        HotpConfig::default(),
    )
}

/// A credential id unique to this test run and `name`, so suites can share a
/// server (and re-runs against a persistent one start clean).
pub fn cred(name: &str) -> CredentialId {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    CredentialId::new(&format!("t{}:{n}:{name}", std::process::id())).unwrap()
}

/// A Redis connection manager that gives up quickly while the server is down
/// (reconnect once per failed request, without back-off; 1 s connect and 2 s
/// response timeouts), as a login path should: the guard then fails closed at
/// once instead of waiting through the crate's default reconnection back-off
/// (6 retries from 1 s up) on every request.
#[cfg(feature = "redis")]
pub async fn redis_connection(url: &str) -> redis::aio::ConnectionManager {
    use std::time::Duration;
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_number_of_retries(0)
        .set_connection_timeout(Duration::from_secs(1))
        .set_response_timeout(Duration::from_secs(2));
    redis::Client::open(url)
        .unwrap()
        .get_connection_manager_with_config(config)
        .await
        .unwrap()
}

/// A PostgreSQL store over a pool of `connections`, migrated, failing fast
/// while the server is down (2 s to connect, 5 s to wait for a connection).
#[cfg(feature = "postgres")]
pub async fn postgres_store(conn_str: &str, connections: usize) -> otpcore::store::PostgresStore {
    use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
    use std::time::Duration;
    let mut config: tokio_postgres::Config = conn_str.parse().unwrap();
    config.connect_timeout(Duration::from_secs(2));
    let manager = Manager::from_config(
        config,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(connections)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    let store = otpcore::store::PostgresStore::new(pool);
    store.migrate().await.unwrap();
    store
}
