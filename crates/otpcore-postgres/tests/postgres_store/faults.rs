//! Fail closed while PostgreSQL is down; used steps survive SIGKILL.

use std::sync::{Arc, Mutex};

use otpcore_guard::{Guard, GuardConfig};

use otpcore_testkit::servers::PostgresServer;

/// Default durability (fsync, synchronous commit): a statement that returned
/// survives SIGKILL of the whole server, backends included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_mid_run_fails_closed_and_keeps_used_steps() {
    let server = Arc::new(Mutex::new(PostgresServer::start()));
    let conn = server.lock().unwrap().conn_str();
    let store = crate::postgres_store(&conn, 4).await;
    let guard = Arc::new(Guard::new(store, GuardConfig::default()).unwrap());
    let (k, r) = (server.clone(), server.clone());
    otpcore_testkit::faults::kill_and_restart(
        guard,
        move || k.lock().unwrap().kill(),
        move || r.lock().unwrap().restart(),
    )
    .await;
}
