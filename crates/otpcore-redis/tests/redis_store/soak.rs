//! The soak test on Redis Cluster (`otpcore_testkit::soak`): two processes ×
//! 32 tasks, a primary killed and restarted mid-run, **without** `WAIT`:
//! replication is asynchronous, so the writes the killed primary had not yet
//! passed on are lost and their codes can be accepted again by the other
//! process on the promoted replica. The test measures and prints how many
//! (the README's "Distributed stores" has the figures) and asserts what must
//! hold regardless: every refusal is a replay or `StoreUnavailable`, and the
//! store serves again. Short by default; `OTPCORE_SOAK_VERIFICATIONS=100000`
//! for the long form.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otpcore_testkit::servers::RedisCluster;
use otpcore_testkit::soak;

#[test]
fn redis_cluster_soak_without_wait_is_measured() {
    let cluster = Arc::new(Mutex::new(RedisCluster::start()));
    let urls = cluster.lock().unwrap().urls().join(",");
    let steps = soak::steps_per_task(20_000);
    let victim = {
        let c = cluster.lock().unwrap();
        // Any primary: every one owns a third of the credentials.
        c.primary_of("otp:v1:{x}:last")
    };
    let (k, r) = (cluster.clone(), cluster.clone());
    let report = soak::run(
        "soak_worker",
        "redis-cluster",
        &urls,
        steps,
        Duration::ZERO,
        move || k.lock().unwrap().nodes[victim].kill(),
        move || r.lock().unwrap().nodes[victim].restart(),
    );
    eprintln!("redis cluster soak: {report:?}");
    // Measured, not asserted: see the module docs.
    eprintln!(
        "double acceptances after the failover: {}",
        report.double_accepted
    );
    assert_eq!(
        report.other, 0,
        "every refusal is a replay or StoreUnavailable: {report:?}"
    );
    assert_eq!(report.verifications, steps * soak::PROCESSES * soak::TASKS);
    assert!(report.accepted > 0, "{report:?}");
}

pub async fn worker(urls: &str, prefix: &str, steps: u64) {
    let client = redis::cluster::ClusterClientBuilder::new(urls.split(',').collect::<Vec<_>>())
        .connection_timeout(Duration::from_secs(1))
        .response_timeout(Duration::from_secs(2))
        .retries(2)
        .build()
        .unwrap();
    let connection = client.get_async_connection().await.unwrap();
    let store = otpcore_redis::RedisStore::new(connection);
    let guard = otpcore_guard::Guard::new(store, otpcore_guard::GuardConfig::default()).unwrap();
    soak::work(Arc::new(guard), prefix, steps).await;
}
