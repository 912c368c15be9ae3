//! The Redis store against private `redis-server` processes on loopback ports,
//! started by the tests (`otpcore_testkit::servers`): the store contract, guard
//! scenarios and 64-contender race every store passes
//! (`otpcore_testkit::store_contract_tests!`), then what is Redis's own: key
//! names and TTLs, races over several connections and processes, and faults.

mod cluster;
mod failover;
mod faults;
mod keys;
mod race;
mod redis_log;
mod soak;

use otpcore_redis::RedisStore;
use otpcore_testkit::servers::RedisServer;

/// Held by each test that kills a cluster node (the failover tests and the
/// soaks), so that one runs at a time: two clusters of six nodes failing over
/// at once on a two-core machine starve each other's gossip (1 s node timeout)
/// and clients, and the figures those tests print would measure that instead.
pub static NODE_KILLING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

otpcore_testkit::store_contract_tests!(async {
    let server = RedisServer::start();
    let store = RedisStore::new(redis_connection(&server.url()).await);
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
    let wait = match store.as_str() {
        "redis-cluster" => false,
        "redis-cluster-wait" => true,
        other => panic!("unknown store {other}"),
    };
    soak::worker(&target, &prefix, steps, wait).await;
}

/// Entry point of the worker processes of the two-process races; does nothing
/// unless started by one of them (see `otpcore_testkit::race::race_processes`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "helper process for the two-process race tests"]
async fn race_worker() {
    let Some((store, target, c, contenders)) = otpcore_testkit::race::worker_env() else {
        return;
    };
    assert_eq!(store, "redis", "unknown store {store}");
    let guards = race::guards(&target, 4).await;
    otpcore_testkit::race::serve_rounds(&guards, &c, contenders).await;
}

/// A Redis connection manager that gives up quickly while the server is down
/// (reconnect once per failed request, without back-off; 1 s connect and 2 s
/// response timeouts), as a login path should: the guard then fails closed at
/// once instead of waiting through the crate's default reconnection back-off
/// (6 retries from 1 s up) on every request.
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
