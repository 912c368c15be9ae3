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
