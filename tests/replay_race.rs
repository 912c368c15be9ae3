//! RFC 6238 §5.2 under concurrency: 64 contenders submit the same valid code
//! at the same instant; exactly one is accepted in every round, and a store
//! that is not atomic is caught by the very same test.
//!
//! Redis and PostgreSQL are private servers started by the tests themselves
//! (see `support::servers`); contenders spread over several connections, and
//! in the two-process tests over two OS processes.

mod support;

use std::sync::Arc;

use otpcore::store::MemoryStore;
use otpcore::Guard;
use support::non_atomic::GetThenSetStore;
use support::race::{check, race, race_config};

const CONTENDERS: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_accepts_each_code_once() {
    let guard = Arc::new(Guard::new(MemoryStore::new(), race_config()).unwrap());
    let tallies = race(&[guard], CONTENDERS, 1000).await;
    check(&tallies, CONTENDERS).unwrap();
}

/// The race test can fail: against a GET-then-SET store it does.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn race_test_catches_a_get_then_set_store() {
    let guard = Arc::new(Guard::new(GetThenSetStore::default(), race_config()).unwrap());
    let tallies = race(&[guard], CONTENDERS, 100).await;
    let verdict = check(&tallies, CONTENDERS);
    assert!(
        verdict.is_err(),
        "the race test passed a non-atomic store: {tallies:?}"
    );
    eprintln!(
        "non-atomic store caught as expected: {}",
        verdict.unwrap_err()
    );
}

/// Entry point of the worker processes of the two-process races; does nothing
/// unless started by one of them (see `support::race::race_processes`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "helper process for the two-process race tests"]
async fn race_worker() {
    let Some((store, target, c, contenders)) = support::race::worker_env() else {
        return;
    };
    // Without the server features there is no store to serve.
    #[cfg(not(any(feature = "redis", feature = "postgres")))]
    let _ = (&target, &c, contenders);
    match store.as_str() {
        #[cfg(feature = "redis")]
        "redis" => {
            let guards = redis_race::guards(&target, 4).await;
            support::race::serve_rounds(&guards, &c, contenders).await;
        }
        #[cfg(feature = "postgres")]
        "postgres" => {
            let guards = postgres_race::guards(&target, 8).await;
            support::race::serve_rounds(&guards, &c, contenders).await;
        }
        other => panic!("unknown store {other}"),
    }
}

#[cfg(feature = "redis")]
mod redis_race {
    use std::sync::Arc;

    use otpcore::store::RedisStore;
    use otpcore::Guard;
    use redis::aio::ConnectionManager;

    use super::{check, race, race_config, CONTENDERS};
    use crate::support::race::race_processes;
    use crate::support::servers::RedisServer;

    /// One guard per connection.
    pub async fn guards(
        url: &str,
        connections: usize,
    ) -> Vec<Arc<Guard<RedisStore<ConnectionManager>>>> {
        let mut guards = Vec::new();
        for _ in 0..connections {
            let store = RedisStore::new(crate::support::redis_connection(url).await);
            guards.push(Arc::new(Guard::new(store, race_config()).unwrap()));
        }
        guards
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn redis_store_accepts_each_code_once() {
        let server = RedisServer::start();
        let tallies = race(&guards(&server.url(), 8).await, CONTENDERS, 1000).await;
        check(&tallies, CONTENDERS).unwrap();
    }

    /// Two OS processes × 32 contenders over 4 connections each.
    #[test]
    fn redis_store_two_processes() {
        let server = RedisServer::start();
        let tallies = race_processes(
            "race_worker",
            "redis",
            &server.url(),
            2,
            CONTENDERS / 2,
            300,
        );
        check(&tallies, CONTENDERS).unwrap();
    }
}

#[cfg(feature = "postgres")]
mod postgres_race {
    use std::sync::Arc;

    use otpcore::store::PostgresStore;
    use otpcore::Guard;

    use super::{check, race, race_config, CONTENDERS};
    use crate::support::race::race_processes;
    use crate::support::servers::PostgresServer;

    /// One guard over a pool of `connections`.
    pub async fn guards(conn_str: &str, connections: usize) -> Vec<Arc<Guard<PostgresStore>>> {
        let store = crate::support::postgres_store(conn_str, connections).await;
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
            .block_on(crate::support::postgres_store(&conn, 1));
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
}
