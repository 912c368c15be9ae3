//! The in-memory store passes the suites every store passes
//! (`otpcore_testkit::store_contract_tests!`: contract, guard scenarios, and
//! 64 contenders racing the same code for 1,000 rounds), and the race suite
//! itself can fail: a store that is not atomic is caught by the same test.

use std::sync::Arc;

use otpcore_guard::store::MemoryStore;
use otpcore_guard::Guard;
use otpcore_testkit::non_atomic::GetThenSetStore;
use otpcore_testkit::race::{check, race, race_config};

otpcore_testkit::store_contract_tests!(async { (MemoryStore::new(), ()) }, rounds = 1000);

/// The race test can fail: against a GET-then-SET store it does.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn race_test_catches_a_get_then_set_store() {
    const CONTENDERS: usize = 64;
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

/// The TOTP resync race (resyncs and verifications of one step at once) can
/// fail too: against a GET-then-SET store it does.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resync_race_catches_a_get_then_set_store() {
    use otpcore_testkit::scenarios::totp_resync::one_of_racing_resyncs_and_verifications_wins;
    let guard = Arc::new(Guard::new(GetThenSetStore::default(), race_config()).unwrap());
    let verdict = one_of_racing_resyncs_and_verifications_wins(guard).await;
    assert!(
        verdict.is_err(),
        "the resync race passed a non-atomic store"
    );
}

/// The same suites over the guard's fallback for stores without
/// `Store::attempt` (`begin`, then `advance` or `refund`).
mod two_trips {
    use otpcore_guard::store::MemoryStore;
    use otpcore_testkit::counting::TwoTrips;

    otpcore_testkit::store_contract_tests!(
        async { (TwoTrips(MemoryStore::new()), ()) },
        one_trip = false
    );
}
