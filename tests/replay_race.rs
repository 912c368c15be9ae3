//! RFC 6238 §5.2 under concurrency: 64 contenders submit the same valid code
//! at the same instant; exactly one is accepted in every round, and a store
//! that is not atomic is caught by the very same test.

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
