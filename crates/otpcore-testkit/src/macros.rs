//! [`store_contract_tests!`](crate::store_contract_tests): the suites every
//! store must pass, as tests in the caller's test binary (after matrix-sdk's
//! `statestore_integration_tests!`).

/// Expands to four `#[tokio::test]`s for a [`Store`](otpcore_guard::store::Store):
/// `store_contract` ([`contract::run`](crate::contract::run): compare-and-set,
/// `u64` steps, failure counting, back-off and lockout, drift, HOTP counters),
/// `guard_scenarios` ([`scenarios::run`](crate::scenarios::run): a
/// [`Guard`](otpcore_guard::Guard) over the store refuses replays, throttles,
/// resynchronises) and `accepts_each_code_once` (64 contenders submit the same
/// valid code at once, for `rounds` rounds, default 200; exactly one is accepted
/// in every round: [`race::check`](crate::race::check)) and
/// `totp_store_operations` (with `one_trip = true`, the default: the store
/// implements `Store::attempt` ([`contract_attempt::run`](crate::contract_attempt::run))
/// and every TOTP verification costs one store operation; with `one_trip =
/// false`, the guard's fallback over `begin`/`advance`/`refund`:
/// [`counting::totp_store_operations`](crate::counting::totp_store_operations)).
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
        $crate::store_contract_tests!($make, rounds = 200, one_trip = true);
    };
    ($make:expr, rounds = $rounds:expr) => {
        $crate::store_contract_tests!($make, rounds = $rounds, one_trip = true);
    };
    ($make:expr, one_trip = $one_trip:expr) => {
        $crate::store_contract_tests!($make, rounds = 200, one_trip = $one_trip);
    };
    ($make:expr, rounds = $rounds:expr, one_trip = $one_trip:expr) => {
        #[$crate::tokio::test(crate = "::otpcore_testkit::tokio")]
        async fn store_contract() {
            let (store, _keep_alive) = $make.await;
            $crate::contract::run(&store).await;
            if $one_trip {
                $crate::contract_attempt::run(&store).await;
            }
        }

        #[$crate::tokio::test(crate = "::otpcore_testkit::tokio")]
        async fn totp_store_operations() {
            let (store, _keep_alive) = $make.await;
            $crate::counting::totp_store_operations(store, $one_trip).await;
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
