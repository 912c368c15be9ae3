//! Redis Cluster: three primaries and three replicas on loopback ports,
//! started and stopped by each test (`otpcore_testkit::servers::RedisCluster`).
//! The store contract, guard scenarios and the 64-contender race pass over a
//! cluster connection; `WAIT` confirmation fails closed when replicas cannot
//! confirm. Failover: `failover.rs`.

use std::time::Duration;

use otpcore_guard::{Guard, GuardConfig, Outcome};
use otpcore_redis::{RedisStore, RenewingCluster};
use otpcore_testkit::servers::RedisCluster;
use otpcore_testkit::{cred, totp, T};
use redis::cluster_async::ClusterConnection;

async fn cluster() -> (ClusterConnection, RedisCluster) {
    let cluster = tokio::task::spawn_blocking(RedisCluster::start)
        .await
        .unwrap();
    let client = crate::failover::cluster_client(cluster.urls());
    (client.get_async_connection().await.unwrap(), cluster)
}

/// The suites run over the connection the README recommends.
async fn cluster_store() -> (RedisStore<RenewingCluster>, RedisCluster) {
    let cluster = tokio::task::spawn_blocking(RedisCluster::start)
        .await
        .unwrap();
    let client = crate::failover::cluster_client(cluster.urls());
    let connection = RenewingCluster::connect(client).await.unwrap();
    (RedisStore::new(connection), cluster)
}

mod suites {
    otpcore_testkit::store_contract_tests!(super::cluster_store(), rounds = 100);
}

/// Each primary has one replica: asking for two can never be confirmed, so
/// every acceptance fails closed, and the step stays recorded (a replay).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_cluster_wait_fails_closed_without_enough_replicas() {
    let (connection, _cluster) = cluster().await;
    let one =
        RedisStore::new(connection.clone()).with_replica_confirmation(1, Duration::from_secs(1));
    let two = RedisStore::new(connection).with_replica_confirmation(2, Duration::from_millis(200));
    let (t, c) = (totp(), cred("wait"));
    let code = |at: u64| t.generate_at(at).unwrap().to_string();
    let guard = Guard::new(one, GuardConfig::default()).unwrap();
    let o = guard.verify_totp(&c, &t, &code(T), T).await;
    assert!(matches!(o, Outcome::Accepted(_)), "{o:?}");
    let strict = Guard::new(two, GuardConfig::default()).unwrap();
    let o = strict.verify_totp(&c, &t, &code(T + 30), T + 30).await;
    assert!(matches!(o, Outcome::StoreUnavailable(_)), "{o:?}");
    let o = guard.verify_totp(&c, &t, &code(T + 30), T + 30).await;
    assert!(matches!(o, Outcome::Replayed), "{o:?}");
}
