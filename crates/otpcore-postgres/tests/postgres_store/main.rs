//! The PostgreSQL store against private PostgreSQL servers on loopback ports,
//! started by the tests (`otpcore_testkit::servers`): the store contract, guard
//! scenarios and 64-contender race every store passes
//! (`otpcore_testkit::store_contract_tests!`), then what is PostgreSQL's own:
//! the schema, `purge_expired`, races over a pool and two processes, and faults.

mod faults;
mod pgbouncer;
mod race;
mod retries;
mod schema;
mod soak;

use otpcore_postgres::PostgresStore;
use otpcore_testkit::servers::PostgresServer;

otpcore_testkit::store_contract_tests!(async {
    let server = PostgresServer::start_with(&["synchronous_commit=off"]);
    let store = postgres_store(&server.conn_str(), 4).await;
    (store, server)
});

/// Entry point of the soak test's worker processes; does nothing unless
/// started by it (see `otpcore_testkit::soak::run`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "helper process for the soak test"]
async fn soak_worker() {
    let Some((store, target, prefix, steps)) = otpcore_testkit::soak::worker_env() else {
        return;
    };
    assert_eq!(store, "postgres", "unknown store {store}");
    soak::worker(&target, &prefix, steps).await;
}

/// Entry point of the worker processes of the two-process races; does nothing
/// unless started by one of them (see `otpcore_testkit::race::race_processes`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "helper process for the two-process race tests"]
async fn race_worker() {
    let Some((store, target, c, contenders)) = otpcore_testkit::race::worker_env() else {
        return;
    };
    assert_eq!(store, "postgres", "unknown store {store}");
    let guards = race::guards(&target, 8).await;
    otpcore_testkit::race::serve_rounds(&guards, &c, contenders).await;
}

/// A PostgreSQL store over a pool of `connections`, migrated, failing fast
/// while the server is down (2 s to connect, 5 s to wait for a connection).
pub async fn postgres_store(conn_str: &str, connections: usize) -> PostgresStore {
    let store = postgres_store_unmigrated(conn_str, connections);
    store.migrate().await.unwrap();
    store
}

/// As [`postgres_store`], without the migration.
pub fn postgres_store_unmigrated(conn_str: &str, connections: usize) -> PostgresStore {
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
    PostgresStore::new(pool)
}
