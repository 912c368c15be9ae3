//! [`store_contract_tests!`](crate::store_contract_tests): the suites every
//! store must pass, as tests in the caller's test binary (after matrix-sdk's
//! `statestore_integration_tests!`).

/// Expands to three `#[tokio::test]`s for a [`Store`](otpcore_guard::store::Store):
/// `store_contract` ([`contract::run`](crate::contract::run): compare-and-set,
/// `u64` steps, failure counting, back-off and lockout, drift, HOTP counters),
/// `guard_scenarios` ([`scenarios::run`](crate::scenarios::run): a
/// [`Guard`](otpcore_guard::Guard) over the store refuses replays, throttles,
/// resynchronises) and `accepts_each_code_once` (64 contenders submit the same
/// valid code at once, for `rounds` rounds, default 200; exactly one is accepted
/// in every round: [`race::check`](crate::race::check)).
///
/// `$make` is an `async` block evaluating to `(store, keep_alive)`; it runs
/// once per test, and `keep_alive` (a server process, say) lives as long as the
/// test.
///
/// ```ignore
/// // tests/store_contract.rs of a crate with its own store:
/// otpcore_testkit::store_contract_tests!(async { (MyStore::connect().await, ()) });
/// ```
#[macro_export]
macro_rules! store_contract_tests {
    ($make:expr) => {
        $crate::store_contract_tests!($make, rounds = 200);
    };
    ($make:expr, rounds = $rounds:expr) => {
        #[$crate::tokio::test(crate = "::otpcore_testkit::tokio")]
        async fn store_contract() {
            let (store, _keep_alive) = $make.await;
            $crate::contract::run(&store).await;
        }

        #[$crate::tokio::test(crate = "::otpcore_testkit::tokio")]
        async fn guard_scenarios() {
            let (store, _keep_alive) = $make.await;
            let shared = $crate::Shared(::std::sync::Arc::new(store));
            $crate::scenarios::run(|config| {
                $crate::otpcore_guard::Guard::new(::core::clone::Clone::clone(&shared), config)
                    .unwrap()
            })
            .await;
        }

        #[$crate::tokio::test(
            crate = "::otpcore_testkit::tokio",
            flavor = "multi_thread",
            worker_threads = 4
        )]
        async fn accepts_each_code_once() {
            const CONTENDERS: usize = 64;
            let (store, _keep_alive) = $make.await;
            let guard = $crate::otpcore_guard::Guard::new(store, $crate::race::race_config());
            let guards = [::std::sync::Arc::new(guard.unwrap())];
            let tallies = $crate::race::race(&guards, CONTENDERS, $rounds).await;
            $crate::race::check(&tallies, CONTENDERS).unwrap();
        }
    };
}
