//! Fail closed: while the shared store is down every verification is
//! `StoreUnavailable` and nothing is accepted; after a restart, steps used
//! before the crash are still refused. Servers are killed with SIGKILL.

mod support;

#[cfg(any(feature = "redis", feature = "postgres"))]
mod faults {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use otpcore::store::{CredentialId, Store};
    use otpcore::{Guard, Outcome};

    use crate::support::{cred, totp, T};

    /// A verification of a fresh, valid code for a new credential.
    pub struct Attempt {
        pub cred: CredentialId,
        pub code: String,
        pub at: u64,
    }

    fn attempt(i: u64) -> Attempt {
        let at = T + i * 30;
        Attempt {
            cred: cred("fault"),
            code: totp().generate_at(at).unwrap().to_string(),
            at,
        }
    }

    /// Verifies fresh codes in a loop (on `workers` tasks) until `stop`,
    /// returning every attempt with its outcome.
    pub async fn hammer<S: Store + 'static>(
        guard: Arc<Guard<S>>,
        stop: Arc<AtomicBool>,
        workers: u64,
    ) -> Vec<(Attempt, Outcome)> {
        let tasks: Vec<_> = (0..workers)
            .map(|w| {
                let (guard, stop) = (guard.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut log = Vec::new();
                    let mut i = w;
                    while !stop.load(Ordering::Relaxed) {
                        let a = attempt(i);
                        let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
                        log.push((a, o));
                        i += workers;
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    log
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    }

    /// The whole scenario, for any store: `kill` and `restart` act on its server.
    pub async fn kill_and_restart<S: Store + 'static>(
        guard: Arc<Guard<S>>,
        kill: impl FnOnce(),
        restart: impl FnOnce(),
    ) {
        // 1. Mid-run: verifications in flight while the server is killed.
        let stop = Arc::new(AtomicBool::new(false));
        let run = tokio::spawn(hammer(guard.clone(), stop.clone(), 4));
        tokio::time::sleep(Duration::from_millis(300)).await;
        kill();
        let killed = Instant::now();
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.store(true, Ordering::Relaxed);
        let log = run.await.unwrap();
        let accepted: Vec<&Attempt> = log
            .iter()
            .filter_map(|(a, o)| matches!(o, Outcome::Accepted(_)).then_some(a))
            .collect();
        assert!(
            accepted.len() > 10,
            "the store worked before the kill: {} accepted",
            accepted.len()
        );
        for (_, o) in &log {
            assert!(
                matches!(o, Outcome::Accepted(_) | Outcome::StoreUnavailable(_)),
                "only Accepted (before the kill) or StoreUnavailable (after): {o:?}"
            );
        }
        assert!(log
            .iter()
            .any(|(_, o)| matches!(o, Outcome::StoreUnavailable(_))));
        eprintln!(
            "mid-run: {} accepted before the kill, {} unavailable",
            accepted.len(),
            log.len() - accepted.len()
        );

        // 2. Down: valid codes — fresh ones and already used ones — all refused.
        for i in 0..50 {
            let a = attempt(100_000 + i);
            let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
            assert!(matches!(o, Outcome::StoreUnavailable(_)), "down: {o:?}");
        }
        for a in &accepted {
            let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
            assert!(matches!(o, Outcome::StoreUnavailable(_)), "down: {o:?}");
        }
        assert!(
            killed.elapsed() < Duration::from_secs(60),
            "refusals must not hang"
        );

        // 3. Restarted: every step accepted before the crash is still used.
        restart();
        let first = &accepted[0];
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match guard
                .verify_totp(&first.cred, &totp(), &first.code, first.at)
                .await
            {
                Outcome::StoreUnavailable(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                o => {
                    assert!(matches!(o, Outcome::Replayed), "after restart: {o:?}");
                    break;
                }
            }
        }
        for a in &accepted {
            let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
            assert!(
                matches!(o, Outcome::Replayed),
                "used before the crash, after restart: {o:?}"
            );
        }
        // And the store works again.
        let a = attempt(200_000);
        let o = guard.verify_totp(&a.cred, &totp(), &a.code, a.at).await;
        assert!(matches!(o, Outcome::Accepted(_)), "after restart: {o:?}");
    }
}

#[cfg(feature = "redis")]
mod redis_faults {
    use std::sync::Arc;

    use otpcore::store::RedisStore;
    use otpcore::{Guard, GuardConfig, Outcome};
    use std::sync::Mutex;

    use crate::support::servers::RedisServer;
    use crate::support::{cred, totp, T};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn redis_killed_mid_run_fails_closed_and_keeps_used_steps() {
        let server = Arc::new(Mutex::new(RedisServer::start()));
        let url = server.lock().unwrap().url();
        let store = RedisStore::new(crate::support::redis_connection(&url).await);
        let guard = Arc::new(Guard::new(store, GuardConfig::default()).unwrap());
        let (k, r) = (server.clone(), server.clone());
        super::faults::kill_and_restart(
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
        let begin_sha = redis::Script::new(include_str!("../src/store/lua/begin.lua"))
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
}

#[cfg(feature = "postgres")]
mod postgres_faults {
    use std::sync::{Arc, Mutex};

    use otpcore::{Guard, GuardConfig};

    use crate::support::servers::PostgresServer;

    /// Default durability (fsync, synchronous commit): a statement that returned
    /// survives SIGKILL of the whole server, backends included.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_killed_mid_run_fails_closed_and_keeps_used_steps() {
        let server = Arc::new(Mutex::new(PostgresServer::start()));
        let conn = server.lock().unwrap().conn_str();
        let store = crate::support::postgres_store(&conn, 4).await;
        let guard = Arc::new(Guard::new(store, GuardConfig::default()).unwrap());
        let (k, r) = (server.clone(), server.clone());
        super::faults::kill_and_restart(
            guard,
            move || k.lock().unwrap().kill(),
            move || r.lock().unwrap().restart(),
        )
        .await;
    }
}
