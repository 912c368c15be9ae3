//! The store contract and the guard scenarios, identical for every store.

mod support;

use otpcore::store::MemoryStore;
use otpcore::Guard;

#[tokio::test]
async fn memory_store_contract() {
    support::contract::run(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_guard_scenarios() {
    support::scenarios::run(|config| Guard::new(MemoryStore::new(), config).unwrap()).await;
}

#[cfg(feature = "redis")]
mod redis_store {
    use otpcore::store::RedisStore;
    use otpcore::Guard;
    use redis::aio::ConnectionManager;

    use crate::support;
    use crate::support::servers::RedisServer;

    async fn store(server: &RedisServer) -> RedisStore<ConnectionManager> {
        RedisStore::new(support::redis_connection(&server.url()).await)
    }

    #[tokio::test]
    async fn redis_store_contract() {
        let server = RedisServer::start();
        support::contract::run(&store(&server).await).await;
    }

    #[tokio::test]
    async fn redis_store_guard_scenarios() {
        let server = RedisServer::start();
        let s = store(&server).await;
        support::scenarios::run(|config| Guard::new(s.clone(), config).unwrap()).await;
    }
}
