//! The soak test on Redis Cluster (`otpcore_testkit::soak`): two processes ×
//! 32 tasks, the primary of the first task's slot killed and restarted
//! mid-run. Short by default; `OTPCORE_SOAK_VERIFICATIONS=100000` for the
//! long form.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otpcore_testkit::servers::RedisCluster;
use otpcore_testkit::soak;

#[test]
fn redis_cluster_soak_with_a_primary_killed() {
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
    assert_eq!(report.double_accepted, 0, "{report:?}");
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
