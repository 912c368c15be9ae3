//! Connecting the shared stores. Both fail fast while their server is down, so
//! a login fails closed at once instead of hanging in reconnection back-off.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use otpcore_postgres::PostgresStore;
use otpcore_redis::RedisStore;
use redis::aio::ConnectionManager;

/// A Redis store over a connection manager that reconnects by itself after a
/// restart: one attempt per request, 1 s to connect, 2 s for an answer.
///
/// # Errors
/// A message (without the URL, which may hold a password) if the URL is
/// malformed or the server cannot be reached.
pub async fn redis(url: &str) -> Result<RedisStore<ConnectionManager>, String> {
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_number_of_retries(0)
        .set_connection_timeout(Duration::from_secs(1))
        .set_response_timeout(Duration::from_secs(2));
    let client =
        redis::Client::open(url).map_err(|e| format!("bad --redis URL: {:?}", e.kind()))?;
    let connection = client
        .get_connection_manager_with_config(config)
        .await
        .map_err(|e| format!("cannot reach Redis: {:?}", e.kind()))?;
    Ok(RedisStore::new(connection))
}

/// A migrated PostgreSQL store over a small pool: 2 s to connect, 5 s to wait
/// for a free connection.
///
/// # Errors
/// A message (without the connection string) if it is malformed, the
/// database cannot be reached or the migration fails.
pub async fn postgres(url: &str) -> Result<PostgresStore, String> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|_| "bad --postgres connection string".to_owned())?;
    config.connect_timeout(Duration::from_secs(2));
    let manager = Manager::from_config(
        config,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(8)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(5)))
        .build()
        .map_err(|e| format!("cannot build the PostgreSQL pool: {e}"))?;
    let store = PostgresStore::new(pool);
    store
        .migrate()
        .await
        .map_err(|e| format!("cannot migrate PostgreSQL: {e}"))?;
    Ok(store)
}
