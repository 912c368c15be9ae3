//! The migration, the documented schema, and `purge_expired`.

use otpcore_postgres::PostgresStore;

use otpcore_testkit::servers::PostgresServer;

/// The migration is idempotent, and the README shows exactly the shipped schema.
#[tokio::test]
async fn postgres_migration_is_idempotent_and_documented() {
    let server = PostgresServer::start();
    let store = crate::postgres_store(&server.conn_str(), 1).await;
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    let readme = include_str!("../../README.md");
    let table = include_str!("../../migrations/0001_otpcore_state.sql");
    let function = include_str!("../../migrations/0002_otpcore_attempt.sql");
    assert!(
        readme.contains(table.trim()),
        "crates/otpcore-postgres/README.md must show migrations/0001_otpcore_state.sql verbatim"
    );
    assert!(readme.contains("migrations/0002_otpcore_attempt.sql"));
    assert_eq!(PostgresStore::MIGRATION, format!("{table}{function}"));
}

/// Expired TOTP rows without drift or failures are purged; HOTP counters,
/// drift and failure counts are kept.
#[tokio::test]
async fn postgres_purge_keeps_information() {
    use otpcore_guard::store::{Advance, Store};
    use otpcore_guard::ThrottlePolicy;
    let server = PostgresServer::start();
    let store = crate::postgres_store(&server.conn_str(), 1).await;
    let t = otpcore_testkit::T;
    let expiring = Advance {
        step: 1,
        drift: 0,
        now: t,
        expires_at: Some(t + 100),
    };
    let (a, b, c, d) = (
        otpcore_testkit::cred("a"),
        otpcore_testkit::cred("b"),
        otpcore_testkit::cred("c"),
        otpcore_testkit::cred("d"),
    );
    store.advance(&a, expiring).await.unwrap();
    store
        .advance(
            &b,
            Advance {
                drift: 2,
                ..expiring
            },
        )
        .await
        .unwrap();
    store
        .advance(
            &c,
            Advance {
                expires_at: None,
                ..expiring
            },
        )
        .await
        .unwrap();
    store.advance(&d, expiring).await.unwrap();
    let _ = store
        .begin(&d, t, &ThrottlePolicy::default())
        .await
        .unwrap();
    // Steps are kept for the grace past their expiry.
    let grace = otpcore_guard::store::EXPIRY_GRACE_SECS;
    assert_eq!(store.purge_expired(t + 99 + grace).await.unwrap(), 0);
    assert_eq!(store.purge_expired(t + 100 + grace).await.unwrap(), 1);
    assert_eq!(store.load(&a).await.unwrap().last_step, None);
    assert_eq!(store.load(&b).await.unwrap().drift, 2);
    assert_eq!(store.load(&c).await.unwrap().last_step, Some(1));
    assert_eq!(store.load(&d).await.unwrap().failures, 1);
}

/// `purge_expired` with a future time deletes no more than the database's
/// own clock allows: a step still inside its window (by the database's
/// clock, plus the grace) is kept however late the caller's `now`.
#[tokio::test]
async fn postgres_purge_trusts_the_database_clock() {
    use otpcore_guard::store::{Advance, Store, EXPIRY_GRACE_SECS};
    use std::time::{SystemTime, UNIX_EPOCH};

    let server = PostgresServer::start();
    let store = crate::postgres_store(&server.conn_str(), 1).await;
    let real = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = |expires_at| Advance {
        step: 1,
        drift: 0,
        now: real,
        expires_at: Some(expires_at),
    };
    let (live, dead) = (otpcore_testkit::cred("live"), otpcore_testkit::cred("dead"));
    store.advance(&live, at(real + 390)).await.unwrap();
    store
        .advance(&dead, at(real - EXPIRY_GRACE_SECS - 60))
        .await
        .unwrap();
    assert_eq!(store.purge_expired(u64::MAX).await.unwrap(), 1);
    assert_eq!(store.load(&live).await.unwrap().last_step, Some(1));
    assert_eq!(store.load(&dead).await.unwrap().last_step, None);
}

/// Servers started at once each run the migration at start-up: on a fresh
/// database, concurrent `migrate` calls all succeed and leave one schema.
/// Without the advisory lock `migrate` takes, this failed in its first round:
/// two concurrent `CREATE TABLE IF NOT EXISTS` collided in PostgreSQL's
/// catalogue ("duplicate key value violates unique constraint" on
/// `pg_type_typname_nsp_index`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_migrations_all_succeed() {
    let server = PostgresServer::start();
    let stores: Vec<PostgresStore> = (0..8)
        .map(|_| crate::postgres_store_unmigrated(&server.conn_str(), 1))
        .collect();
    let (admin, connection) = tokio_postgres::connect(&server.conn_str(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    for round in 0..10 {
        admin
            .batch_execute(
                "DROP FUNCTION IF EXISTS otpcore_attempt; DROP TABLE IF EXISTS otpcore_state;",
            )
            .await
            .unwrap();
        let mut migrations = tokio::task::JoinSet::new();
        for store in &stores {
            let store = store.clone();
            migrations.spawn(async move { store.migrate().await });
        }
        while let Some(result) = migrations.join_next().await {
            let result = result.unwrap();
            assert!(result.is_ok(), "round {round}: {result:?}");
        }
    }
    let functions = admin
        .query_one(
            "SELECT count(*) FROM pg_proc WHERE proname = 'otpcore_attempt'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(functions.get::<_, i64>(0), 1);
}
