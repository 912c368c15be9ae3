//! The soak test on PostgreSQL (`otpcore_testkit::soak`): two processes × 32
//! tasks, the server killed (SIGKILL, crash recovery) and restarted mid-run.
//! Short by default; `OTPCORE_SOAK_VERIFICATIONS=100000` for the long form.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otpcore_testkit::servers::PostgresServer;
use otpcore_testkit::soak;

#[test]
fn postgres_soak_with_the_server_killed() {
    let server = Arc::new(Mutex::new(PostgresServer::start()));
    let conn = server.lock().unwrap().conn_str();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(crate::postgres_store(&conn, 1));
    let steps = soak::steps_per_task(20_000);
    let (k, r) = (server.clone(), server.clone());
    let report = soak::run(
        "soak_worker",
        "postgres",
        &conn,
        steps,
        Duration::ZERO,
        move || k.lock().unwrap().kill(),
        move || r.lock().unwrap().restart(),
    );
    eprintln!("postgres soak: {report:?}");
    assert_eq!(report.double_accepted, 0, "{report:?}");
    assert_eq!(
        report.other, 0,
        "every refusal is a replay or StoreUnavailable: {report:?}"
    );
    assert_eq!(report.verifications, steps * soak::PROCESSES * soak::TASKS);
    assert!(report.accepted > 0, "{report:?}");
}

pub async fn worker(conn: &str, prefix: &str, steps: u64) {
    let store = crate::postgres_store_unmigrated(conn, 16);
    let guard = otpcore_guard::Guard::new(store, otpcore_guard::GuardConfig::default()).unwrap();
    soak::work(Arc::new(guard), prefix, steps).await;
}
