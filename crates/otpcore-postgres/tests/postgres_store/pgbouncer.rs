//! Behind PgBouncer in transaction-pooling mode, with fewer server
//! connections than client ones: `Statements::Unnamed` passes the store
//! contract, the guard scenarios and the 64-contender race; the default
//! (named prepared statements) does not work there, which is why the option
//! exists.

use otpcore_guard::{Guard, GuardConfig, Outcome};
use otpcore_postgres::{PostgresStore, Statements};
use otpcore_testkit::servers::{PgBouncer, PostgresServer};

/// (server, pooler): the pooler multiplexes 8 client connections onto 2.
fn servers() -> (PostgresServer, PgBouncer) {
    let server = PostgresServer::start_with(&["synchronous_commit=off"]);
    let bouncer = PgBouncer::start(server.port(), 2);
    (server, bouncer)
}

async fn unnamed_store() -> (PostgresStore, (PostgresServer, PgBouncer)) {
    let (server, bouncer) = servers();
    // Migrate directly (DDL needs no pooler), then talk through the pooler.
    crate::postgres_store(&server.conn_str(), 1).await;
    let store = crate::postgres_store_unmigrated(&bouncer.conn_str(), 8)
        .with_statements(Statements::Unnamed);
    (store, (server, bouncer))
}

mod unnamed {
    otpcore_testkit::store_contract_tests!(super::unnamed_store());
}

/// The default mode through the same pooler: named statements prepared on one
/// server connection are missing on the next, so verifications fail (closed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_prepared_statements_break_under_transaction_pooling() {
    let (server, bouncer) = servers();
    crate::postgres_store(&server.conn_str(), 1).await;
    let store = crate::postgres_store_unmigrated(&bouncer.conn_str(), 8);
    let guard = std::sync::Arc::new(Guard::new(store, GuardConfig::default()).unwrap());
    let t = otpcore_testkit::totp();
    let tasks: Vec<_> = (0..64u64)
        .map(|i| {
            let (guard, t) = (guard.clone(), t.clone());
            tokio::spawn(async move {
                let c = otpcore_testkit::cred("prepared");
                let at = otpcore_testkit::T + i * 30;
                let code = t.generate_at(at).unwrap().to_string();
                guard.verify_totp(&c, &t, &code, at).await
            })
        })
        .collect();
    let mut unavailable = 0;
    for task in tasks {
        match task.await.unwrap() {
            Outcome::StoreUnavailable(_) => unavailable += 1,
            Outcome::Accepted(_) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(
        unavailable > 0,
        "named statements survived transaction pooling"
    );
}
