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

    /// Key names (hash-tagged, prefixed), TTLs: TOTP steps expire once no window
    /// can reach them — here (behind 1 + max_drift 10 + 2) steps after the step,
    /// plus `EXPIRY_GRACE_SECS`, which is more than (behind + ahead + 1) periods plus the drift bound —
    /// HOTP counters, drift and failure counts do not.
    #[tokio::test]
    async fn redis_keys_and_ttls() {
        use otpcore::store::CredentialId;
        use otpcore::{GuardConfig, Outcome};
        use support::{hotp, totp, T};

        let server = RedisServer::start();
        let mut con = support::redis_connection(&server.url()).await;
        let store = RedisStore::new(con.clone()).with_prefix("app:otp").unwrap();
        assert!(RedisStore::new(con.clone()).with_prefix("a{b}").is_err());
        let config = GuardConfig::default();
        let guard = Guard::new(store, config).unwrap();
        let probe = con.clone();
        let ttl = |key: &str| {
            let mut con = probe.clone();
            let key = key.to_owned();
            async move {
                redis::cmd("TTL")
                    .arg(key)
                    .query_async::<i64>(&mut con)
                    .await
                    .unwrap()
            }
        };

        let c = CredentialId::new("user:1:totp").unwrap();
        let (t, code) = (totp(), totp().generate_at(T).unwrap().to_string());
        assert!(matches!(
            guard.verify_totp(&c, &t, &code, T).await,
            Outcome::Accepted(_)
        ));
        let grace = otpcore::store::EXPIRY_GRACE_SECS;
        let expected = (config.totp_window.behind + config.max_drift + 2) * 30 + grace;
        assert!(
            expected
                >= (config.totp_window.behind + config.totp_window.ahead + 1 + config.max_drift)
                    * 30
        );
        let last_ttl = ttl("app:otp:{user:1:totp}:last").await;
        assert!(
            (expected as i64 - 1..=expected as i64).contains(&last_ttl),
            "TTL {last_ttl}, want {expected}"
        );
        assert_eq!(
            ttl("app:otp:{user:1:totp}:drift").await,
            -2,
            "no drift: no key"
        );
        assert_eq!(
            ttl("app:otp:{user:1:totp}:fail").await,
            -2,
            "success: no failure key"
        );

        // A failure is counted without expiry; a drifted success records drift without expiry.
        let later = T + 3600;
        let wrong = if code == "000000" { "000001" } else { "000000" };
        let _ = guard.verify_totp(&c, &t, wrong, later).await;
        assert_eq!(ttl("app:otp:{user:1:totp}:fail").await, -1);
        let ahead = t.generate_at(later + 30).unwrap().to_string();
        let o = guard.verify_totp(&c, &t, &ahead, later).await;
        assert!(matches!(o, Outcome::Accepted(m) if m.offset == 1), "{o:?}");
        assert_eq!(ttl("app:otp:{user:1:totp}:drift").await, -1);
        let drift: String = redis::cmd("GET")
            .arg("app:otp:{user:1:totp}:drift")
            .query_async(&mut con)
            .await
            .unwrap();
        assert_eq!(drift, "1");

        // HOTP counters never expire; the default prefix is otp:v1.
        let guard = Guard::new(RedisStore::new(con.clone()), config).unwrap();
        let h = CredentialId::new("user:1:hotp").unwrap();
        let o = guard
            .verify_hotp(&h, &hotp(), &hotp().generate(3).to_string(), T)
            .await;
        assert!(matches!(o, Outcome::Accepted(_)), "{o:?}");
        assert_eq!(ttl("otp:v1:{user:1:hotp}:last").await, -1);
        let counter: String = redis::cmd("GET")
            .arg("otp:v1:{user:1:hotp}:last")
            .query_async(&mut con)
            .await
            .unwrap();
        assert_eq!(counter, "3");
    }

    /// A caller whose clock runs an hour ahead records a step whose expiry is,
    /// by its own clock, already past: the TTL must still cover the step's
    /// window by the Redis server's clock, plus the grace, so that correctly
    /// clocked servers keep refusing the used code.
    #[tokio::test]
    async fn redis_ttl_is_not_shortened_by_a_caller_clock_ahead() {
        use otpcore::store::{Advance, Store, EXPIRY_GRACE_SECS};
        use std::time::{SystemTime, UNIX_EPOCH};

        let server = RedisServer::start();
        let con = support::redis_connection(&server.url()).await;
        let store = RedisStore::new(con.clone());
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let used = Advance {
            step: 1,
            drift: 0,
            now: real + 3600,
            expires_at: Some(real + 390),
        };
        // A private server: a fixed id, so the key name is known.
        let c = otpcore::store::CredentialId::new("ahead").unwrap();
        store.advance(&c, used).await.unwrap();
        let mut probe = con.clone();
        let ttl: i64 = redis::cmd("TTL")
            .arg("otp:v1:{ahead}:last")
            .query_async(&mut probe)
            .await
            .unwrap();
        let want = (390 + EXPIRY_GRACE_SECS) as i64;
        assert!((want - 2..=want).contains(&ttl), "TTL {ttl}, want {want}");
    }
}

#[cfg(feature = "postgres")]
mod postgres_store {
    use otpcore::store::PostgresStore;
    use otpcore::Guard;

    use crate::support;
    use crate::support::servers::PostgresServer;

    #[tokio::test]
    async fn postgres_store_contract_and_guard_scenarios() {
        let server = PostgresServer::start();
        let store = support::postgres_store(&server.conn_str(), 4).await;
        support::contract::run(&store).await;
        support::scenarios::run(|config| Guard::new(store.clone(), config).unwrap()).await;
    }

    /// The migration is idempotent, and the README shows exactly the shipped schema.
    #[tokio::test]
    async fn postgres_migration_is_idempotent_and_documented() {
        let server = PostgresServer::start();
        let store = support::postgres_store(&server.conn_str(), 1).await;
        store.migrate().await.unwrap();
        store.migrate().await.unwrap();
        let readme = include_str!("../README.md");
        assert!(
            readme.contains(PostgresStore::MIGRATION.trim()),
            "README.md must show migrations/postgres/0001_otpcore_state.sql verbatim"
        );
    }

    /// Expired TOTP rows without drift or failures are purged; HOTP counters,
    /// drift and failure counts are kept.
    #[tokio::test]
    async fn postgres_purge_keeps_information() {
        use otpcore::store::{Advance, Store};
        use otpcore::ThrottlePolicy;
        let server = PostgresServer::start();
        let store = support::postgres_store(&server.conn_str(), 1).await;
        let t = support::T;
        let expiring = Advance {
            step: 1,
            drift: 0,
            now: t,
            expires_at: Some(t + 100),
        };
        let (a, b, c, d) = (
            support::cred("a"),
            support::cred("b"),
            support::cred("c"),
            support::cred("d"),
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
        let grace = otpcore::store::EXPIRY_GRACE_SECS;
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
        use otpcore::store::{Advance, Store, EXPIRY_GRACE_SECS};
        use std::time::{SystemTime, UNIX_EPOCH};

        let server = PostgresServer::start();
        let store = support::postgres_store(&server.conn_str(), 1).await;
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
        let (live, dead) = (support::cred("live"), support::cred("dead"));
        store.advance(&live, at(real + 390)).await.unwrap();
        store
            .advance(&dead, at(real - EXPIRY_GRACE_SECS - 60))
            .await
            .unwrap();
        assert_eq!(store.purge_expired(u64::MAX).await.unwrap(), 1);
        assert_eq!(store.load(&live).await.unwrap().last_step, Some(1));
        assert_eq!(store.load(&dead).await.unwrap().last_step, None);
    }
}
