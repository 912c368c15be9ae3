//! RFC 6238 §5.2 under concurrency on PostgreSQL: 64 contenders over a pool of
//! 16 connections, and over two OS processes.

use std::sync::Arc;

use otpcore_guard::Guard;
use otpcore_postgres::PostgresStore;

use otpcore_testkit::race::{check, race, race_config};

use otpcore_testkit::race::race_processes;
use otpcore_testkit::servers::PostgresServer;

const CONTENDERS: usize = 64;

/// One guard over a pool of `connections`.
pub async fn guards(conn_str: &str, connections: usize) -> Vec<Arc<Guard<PostgresStore>>> {
    let store = crate::postgres_store(conn_str, connections).await;
    vec![Arc::new(Guard::new(store, race_config()).unwrap())]
}

/// The race servers run with `synchronous_commit = off`: commits return
/// before their WAL is flushed, which changes durability after a crash (the
/// fault tests use the defaults) but not how the row lock and the
/// conditional `WHERE` decide a race. With each of the ~190 statements of a
/// round waiting for an fsync in turn, 1,000 rounds took 292 s on the 2-core
/// test machine (other builds running); with it off, 21 s.
fn race_server() -> PostgresServer {
    PostgresServer::start_with(&["synchronous_commit=off"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_accepts_each_code_once() {
    let server = race_server();
    let started = std::time::Instant::now();
    let tallies = race(&guards(&server.conn_str(), 16).await, CONTENDERS, PG_ROUNDS).await;
    eprintln!(
        "postgres race: {PG_ROUNDS} rounds in {:?}",
        started.elapsed()
    );
    check(&tallies, CONTENDERS).unwrap();
}

/// Two OS processes × 32 contenders over 8 connections each.
#[test]
fn postgres_store_two_processes() {
    let server = race_server();
    let conn = server.conn_str();
    // Create the table before the workers race to create it.
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(crate::postgres_store(&conn, 1));
    let tallies = race_processes(
        "race_worker",
        "postgres",
        &conn,
        2,
        CONTENDERS / 2,
        PG_PROCESS_ROUNDS,
    );
    check(&tallies, CONTENDERS).unwrap();
}

const PG_ROUNDS: u64 = 1000;
const PG_PROCESS_ROUNDS: u64 = 300;
