//! RFC 6238 §5.2 under concurrency on Redis: 64 contenders over 8 connections,
//! and over two OS processes.

use std::sync::Arc;

use otpcore_guard::Guard;
use otpcore_redis::RedisStore;
use redis::aio::ConnectionManager;

use otpcore_testkit::race::{check, race, race_config};

use otpcore_testkit::race::race_processes;
use otpcore_testkit::servers::RedisServer;

const CONTENDERS: usize = 64;

/// One guard per connection.
pub async fn guards(
    url: &str,
    connections: usize,
) -> Vec<Arc<Guard<RedisStore<ConnectionManager>>>> {
    let mut guards = Vec::new();
    for _ in 0..connections {
        let store = RedisStore::new(crate::redis_connection(url).await);
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
