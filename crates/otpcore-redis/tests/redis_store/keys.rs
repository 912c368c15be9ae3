//! Key names, prefixes and TTLs, seen from a second connection.

use otpcore_guard::Guard;
use otpcore_redis::RedisStore;
use otpcore_testkit::servers::RedisServer;

/// Key names (hash-tagged, prefixed), TTLs: TOTP steps expire once no window
/// can reach them — here (behind 1 + max_drift 10 + 2) steps after the step,
/// plus `EXPIRY_GRACE_SECS`, which is more than (behind + ahead + 1) periods plus the drift bound —
/// HOTP counters, drift and failure counts do not.
#[tokio::test]
async fn redis_keys_and_ttls() {
    use otpcore_guard::store::CredentialId;
    use otpcore_guard::{GuardConfig, Outcome};
    use otpcore_testkit::{hotp, totp, T};

    let server = RedisServer::start();
    let mut con = crate::redis_connection(&server.url()).await;
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
    let grace = otpcore_guard::store::EXPIRY_GRACE_SECS;
    let expected = (config.totp_window.behind + config.max_drift + 2) * 30 + grace;
    assert!(
        expected
            >= (config.totp_window.behind + config.totp_window.ahead + 1 + config.max_drift) * 30
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
    use otpcore_guard::store::{Advance, Store, EXPIRY_GRACE_SECS};
    use std::time::{SystemTime, UNIX_EPOCH};

    let server = RedisServer::start();
    let con = crate::redis_connection(&server.url()).await;
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
    let c = otpcore_guard::store::CredentialId::new("ahead").unwrap();
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
