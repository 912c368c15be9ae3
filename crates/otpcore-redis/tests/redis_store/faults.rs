//! Fail closed while Redis is down; used steps survive a restart; `SCRIPT FLUSH`.

use std::sync::Arc;

use otpcore_guard::{Guard, GuardConfig, Outcome};
use otpcore_redis::RedisStore;
use std::sync::Mutex;

use otpcore_testkit::servers::RedisServer;
use otpcore_testkit::{cred, totp, T};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_fails_closed_and_keeps_used_steps() {
    let server = Arc::new(Mutex::new(RedisServer::start()));
    let url = server.lock().unwrap().url();
    let store = RedisStore::new(crate::redis_connection(&url).await);
    let guard = Arc::new(Guard::new(store, GuardConfig::default()).unwrap());
    let (k, r) = (server.clone(), server.clone());
    otpcore_testkit::faults::kill_and_restart(
        guard,
        move || k.lock().unwrap().kill(),
        move || r.lock().unwrap().restart(),
    )
    .await;
}

/// `SCRIPT FLUSH` empties the server's script cache: EVALSHA answers
/// NOSCRIPT, and the store falls back to EVAL, which caches the script again.
#[tokio::test]
async fn redis_script_flush_falls_back_to_eval() {
    let server = RedisServer::start();
    let client = redis::Client::open(server.url()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    let guard = Guard::new(RedisStore::new(admin.clone()), GuardConfig::default()).unwrap();
    let (t, c) = (totp(), cred("flush"));
    // A TOTP verification is one script: attempt.lua after the shared pieces.
    let begin_sha = redis::Script::new(concat!(
        include_str!("../../src/lua/throttle.lua"),
        include_str!("../../src/lua/record.lua"),
        include_str!("../../src/lua/attempt.lua")
    ))
    .get_hash()
    .to_owned();
    let exists = |mut con: redis::aio::MultiplexedConnection, sha: String| async move {
        let v: Vec<bool> = redis::cmd("SCRIPT")
            .arg("EXISTS")
            .arg(sha)
            .query_async(&mut con)
            .await
            .unwrap();
        v[0]
    };
    for round in 0..3u64 {
        let _: () = redis::cmd("SCRIPT")
            .arg("FLUSH")
            .query_async(&mut admin)
            .await
            .unwrap();
        assert!(!exists(admin.clone(), begin_sha.clone()).await);
        let at = T + round * 30;
        let code = t.generate_at(at).unwrap().to_string();
        let o = guard.verify_totp(&c, &t, &code, at).await;
        assert!(
            matches!(o, Outcome::Accepted(_)),
            "after SCRIPT FLUSH: {o:?}"
        );
        assert!(
            exists(admin.clone(), begin_sha.clone()).await,
            "EVAL cached the script again"
        );
        let o = guard.verify_totp(&c, &t, &code, at).await;
        assert!(matches!(o, Outcome::Replayed), "{o:?}");
    }
}
