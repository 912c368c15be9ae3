//! Serialization failures (SQLSTATE 40001) and deadlocks (40P01) are retried a
//! bounded number of times, then the guard fails closed. They are forced by a
//! trigger that raises them on the first `n` writes to the table: the count is
//! a sequence, which a rolled-back statement does not roll back.

use otpcore_guard::{Guard, GuardConfig, Outcome};
use otpcore_postgres::PostgresStore;
use otpcore_testkit::servers::PostgresServer;
use otpcore_testkit::{cred, totp, T};

/// Makes the next `failures` row updates of `otpcore_state` fail with
/// `sqlstate` (a verification of a new credential inserts an empty row, then
/// updates it: one update per run).
async fn force(conn: &str, sqlstate: &str, failures: i64) {
    let (client, connection) = tokio_postgres::connect(conn, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "DROP SEQUENCE IF EXISTS forced_fault;
             CREATE SEQUENCE forced_fault;
             CREATE OR REPLACE FUNCTION forced_fault() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF nextval('forced_fault') <= {failures} THEN
                     RAISE EXCEPTION 'forced by the test' USING ERRCODE = '{sqlstate}';
                 END IF;
                 RETURN NEW;
             END $$;
             DROP TRIGGER IF EXISTS forced_fault ON otpcore_state;
             CREATE TRIGGER forced_fault BEFORE UPDATE ON otpcore_state
                 FOR EACH ROW EXECUTE FUNCTION forced_fault();"
        ))
        .await
        .unwrap();
}

/// How many writes the trigger has seen (each statement run counts one).
async fn writes_tried(conn: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(conn, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one("SELECT last_value FROM forced_fault", &[])
        .await
        .unwrap();
    row.get(0)
}

#[tokio::test]
async fn postgres_retries_serialization_failures_then_fails_closed() {
    let server = PostgresServer::start_with(&["synchronous_commit=off"]);
    let conn = server.conn_str();
    let store = crate::postgres_store(&conn, 2).await;
    assert_eq!(PostgresStore::DEFAULT_RETRIES, 3);
    let t = totp();
    for sqlstate in ["40001", "40P01"] {
        // Three forced failures: the fourth run (the third retry) succeeds.
        let guard = Guard::new(store.clone(), GuardConfig::default()).unwrap();
        let c = cred("retried");
        let code = t.generate_at(T).unwrap().to_string();
        force(&conn, sqlstate, 3).await;
        let o = guard.verify_totp(&c, &t, &code, T).await;
        assert!(matches!(o, Outcome::Accepted(_)), "{sqlstate}: {o:?}");
        assert_eq!(writes_tried(&conn).await, 4, "{sqlstate}: runs");
        let o = guard.verify_totp(&c, &t, &code, T).await;
        assert!(matches!(o, Outcome::Replayed), "{sqlstate}: {o:?}");

        // Four: the budget is spent, the guard fails closed, nothing was written.
        let c = cred("exhausted");
        force(&conn, sqlstate, 4).await;
        let o = guard.verify_totp(&c, &t, &code, T).await;
        match &o {
            Outcome::StoreUnavailable(e) => {
                let text = format!("{e} {:?}", std::error::Error::source(e));
                assert!(text.contains(sqlstate) || text.contains("forced"), "{text}");
            }
            other => panic!("{sqlstate}: expected StoreUnavailable, got {other:?}"),
        }
        assert_eq!(writes_tried(&conn).await, 4, "{sqlstate}: runs");
        assert_eq!(guard.state(&c).await.unwrap().last_step, None);

        // No retries: the first failure fails closed.
        let strict = Guard::new(store.clone().with_retries(0), GuardConfig::default()).unwrap();
        force(&conn, sqlstate, 1).await;
        let o = strict.verify_totp(&cred("strict"), &t, &code, T).await;
        assert!(matches!(o, Outcome::StoreUnavailable(_)), "{o:?}");
        assert_eq!(writes_tried(&conn).await, 1);
    }
}
