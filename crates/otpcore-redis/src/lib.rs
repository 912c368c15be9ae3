#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// No input may panic: these are errors in the shipped code (unit tests are exempted by clippy.toml).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

mod confirm;
#[cfg(feature = "cluster")]
mod renewing_cluster;
mod reply;
mod scripts;

pub use confirm::{Replicated, Waiting};
use redis::aio::ConnectionLike;
use redis::{FromRedisValue, Value};
#[cfg(feature = "cluster")]
pub use renewing_cluster::RenewingCluster;
use reply::{int, invalid, state, text, unavailable};
use scripts::{Script, Scripts};

use otpcore_guard::store::{
    Advance, Advanced, Candidates, CredentialId, Gate, State, Store, StoreError, StoreErrorKind,
    Verdict,
};
use otpcore_guard::ThrottlePolicy;

/// Times are clamped below 2^53 seconds so that Lua's doubles hold them exactly.
const MAX_TIME: u64 = (1 << 53) - 1;

/// Expiry times are clamped to 2^40 s (year 36812): Lua prints such integers
/// exactly (in at most 14 digits), and Redis accepts them as `EX` in ms.
const MAX_EXPIRY: u64 = 1 << 40;

/// A [`Store`] in Redis, over any async connection of the
/// `redis` crate: a `MultiplexedConnection`, a `ConnectionManager` (which
/// reconnects by itself after a restart) or, for Redis Cluster, a
/// `RenewingCluster` (feature `cluster`), which also recovers from a failover
/// that leaves the `redis` crate's cluster connection timing out.
///
/// # Keys
/// Per credential `c`, with the default prefix `otp:v1`:
/// - `otp:v1:{c}:last` — last accepted step, a decimal string (HOTP counters
///   above 2^53 compare correctly). TOTP step `s`: an `EX` TTL that lasts
///   until [`Advance::expires_at`] — the start of step
///   `s + max_drift + behind + 2`, after which no window can reach `s` —
///   plus [`EXPIRY_GRACE_SECS`](otpcore_guard::store::EXPIRY_GRACE_SECS), by the caller's
///   clock or by the Redis server's (`TIME`), whichever is later (see
///   `# Security`); HOTP: no TTL.
/// - `otp:v1:{c}:drift` — recorded TOTP drift, absent when 0; no TTL.
/// - `otp:v1:{c}:fail` — hash `{n, at}`: failures and previous attempt time;
///   deleted on success, reset and when refunded to 0.
///
/// The `{c}` hash tag keeps a credential's keys in one Redis Cluster slot, as
/// a multi-key script requires.
///
/// # Security
/// Each credential has its own keys, so no call's time can expire another
/// credential's record. A caller whose clock runs ahead cannot shorten its own
/// record's life below what the Redis server's clock says the step still needs
/// (test `store_contract::redis_store::redis_ttl_is_not_shortened_by_a_caller_clock_ahead`),
/// and a caller whose clock runs behind keeps it the full window by its own
/// clock. Only when both the caller's and the server's clocks run ahead can a
/// used step expire early. Redis before 7 needs `redis.replicate_commands`,
/// which the script calls, to read `TIME` before a write.
///
/// # Guarantees
/// Each operation is one Lua script, which Redis runs atomically: concurrent
/// verifications on any number of servers are decided by the one primary.
/// Scripts are sent with `EVALSHA` and fall back to `EVAL` (which also caches
/// them again) when the server answers `NOSCRIPT`, for example after `SCRIPT
/// FLUSH` or a restart.
///
/// **Durability is Redis's**: a used step survives a crash only if it reached
/// the append-only file (`appendonly yes`, `appendfsync always`; with the
/// default `everysec` up to a second of accepted steps can be lost, and with
/// RDB snapshots alone much more). Replication is asynchronous: after a
/// failover to a replica, recently used steps may be accepted again unless each
/// write was confirmed by `WAIT`. For HOTP counters prefer the PostgreSQL store.
///
/// # Errors
/// Every failure of the connection or the server is a [`StoreError`] of kind
/// [`StoreErrorKind::Unavailable`], a malformed reply one of kind
/// [`StoreErrorKind::InvalidData`]; the [`Guard`](otpcore_guard::Guard) then fails closed.
#[derive(Clone)]
pub struct RedisStore<C> {
    connection: C,
    prefix: Box<str>,
    scripts: Scripts,
    confirm: Option<Confirm<C>>,
}

/// `WAIT replicas timeout_ms` after each accepting write, by the connection's
/// [`Replicated::wait_for`].
#[derive(Clone, Copy)]
struct Confirm<C> {
    replicas: u32,
    timeout_ms: u64,
    wait: fn(&C, &str, u32, u64) -> Waiting,
}

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync,
{
    /// A store using `connection` and the key prefix `otp:v1`.
    #[must_use]
    pub fn new(connection: C) -> Self {
        RedisStore {
            connection,
            prefix: "otp:v1".into(),
            scripts: Scripts::bundled(),
            confirm: None,
        }
    }

    /// `WAIT`, if configured: `Ok` once enough replicas have every write of
    /// this connection so far.
    async fn confirmed(&self, credential: &CredentialId) -> Result<(), StoreError> {
        let Some(Confirm {
            replicas,
            timeout_ms,
            wait,
        }) = self.confirm
        else {
            return Ok(());
        };
        let acked = wait(&self.connection, credential.as_str(), replicas, timeout_ms)
            .await
            .map_err(unavailable)?;
        if acked >= i64::from(replicas) {
            Ok(())
        } else {
            Err(StoreError::new(
                StoreErrorKind::Unavailable,
                "write not confirmed by enough replicas in time",
            ))
        }
    }

    /// The same store with key prefix `prefix` (keys become `<prefix>:{<cred>}:…`).
    ///
    /// # Errors
    /// As [`CredentialId::new`]: the prefix must be 1 to 200 printable ASCII
    /// characters without braces, which would break the hash tag.
    pub fn with_prefix(
        self,
        prefix: &str,
    ) -> Result<Self, otpcore_guard::store::CredentialIdError> {
        let prefix = CredentialId::new(prefix)?;
        Ok(RedisStore {
            prefix: prefix.as_str().into(),
            ..self
        })
    }

    fn keys(&self, credential: &CredentialId) -> [String; 3] {
        let base = format!("{}:{{{}}}", self.prefix, credential.as_str());
        [
            format!("{base}:last"),
            format!("{base}:drift"),
            format!("{base}:fail"),
        ]
    }

    /// Runs `script` on this store's connection (`EVALSHA`, or `EVAL`).
    async fn run<T: FromRedisValue>(
        &self,
        script: &Script,
        keys: &[String],
        args: &[&[u8]],
    ) -> Result<T, StoreError> {
        script.run(self.connection.clone(), keys, args).await
    }
}

impl<C: Replicated> RedisStore<C> {
    /// The same store, confirming each accepting write (an accepted
    /// verification's `attempt`, a won `advance`) on at least `replicas`
    /// replicas with `WAIT` before answering; if they do not confirm within
    /// `timeout` (at least 1 ms), the operation fails with
    /// [`StoreErrorKind::Unavailable`] and the guard answers
    /// `StoreUnavailable`, accepting nothing (fail closed; the step stays
    /// recorded on the primary, so a retry is a replay).
    ///
    /// # Security
    /// Without it, replication is asynchronous: a primary that dies after
    /// accepting a step but before a replica copied it leaves a promoted
    /// replica that accepts the step again. With it, an `Accepted` step is on
    /// `replicas` replicas first (`WAIT` is per connection: it waits for every
    /// write this connection sent before it). On a cluster connection it goes
    /// to the primary that owns the credential's slot ([`Replicated`]), so a
    /// shard whose promoted replica has no replica yet fails its accepting
    /// writes closed until one has synced. Tests
    /// `failover::redis_cluster_failover_with_wait_never_reaccepts` and
    /// `cluster::redis_cluster_wait_fails_closed_without_enough_replicas`.
    #[must_use]
    pub fn with_replica_confirmation(self, replicas: u32, timeout: core::time::Duration) -> Self {
        let timeout_ms = u64::try_from(timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        RedisStore {
            confirm: Some(Confirm {
                replicas,
                timeout_ms,
                wait: C::wait_for,
            }),
            ..self
        }
    }
}

impl<C> Store for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync,
{
    /// One `EVALSHA` of `attempt.lua`: throttling, the drift-centred window
    /// over the match bits, the compare-and-set and the drift update. Steps
    /// at or above 2^53 (Lua's exact integers) are left to the guard's
    /// two-operation fallback ([`Verdict::Unsupported`]).
    async fn attempt(
        &self,
        credential: &CredentialId,
        candidates: &Candidates,
        policy: &ThrottlePolicy,
    ) -> Result<Verdict, StoreError> {
        let steps = candidates.steps();
        if *steps.end() >= MAX_TIME || candidates.now() > MAX_TIME {
            return Ok(Verdict::Unsupported);
        }
        let window = candidates.window();
        // `until` of the first step, as `advance` computes it; 0: kept for ever.
        let until = candidates.expiry_of_first().map_or(0, |e| {
            e.saturating_add(otpcore_guard::store::EXPIRY_GRACE_SECS)
                .clamp(1, MAX_EXPIRY)
        });
        let numbers = [
            candidates.now(),
            u64::from(policy.lockout()),
            u64::from(policy.free_failures()),
            policy.base_delay_secs().min(MAX_TIME),
            policy.max_delay_secs().min(MAX_TIME),
            *steps.start(),
            candidates.expected().saturating_sub(*steps.start()),
            candidates.max_drift(),
            window.behind,
            window.ahead,
        ]
        .map(|n| format!("{n}"));
        let [until, period] = [until, candidates.period().min(MAX_EXPIRY)].map(|n| format!("{n}"));
        let mut args: Vec<&[u8]> = numbers.iter().map(|a| a.as_bytes()).collect();
        args.extend([candidates.matches(), until.as_bytes(), period.as_bytes()]);
        let reply: Vec<Value> = self
            .run(&self.scripts.attempt, &self.keys(credential), &args)
            .await?;
        let mut fields = reply.iter();
        match int::<i64>(fields.next())? {
            0 => {
                let retry: i64 = int(fields.next())?;
                Ok(Verdict::Throttled {
                    retry_after: u64::try_from(retry).ok(),
                })
            }
            1 => {
                let step = text(fields.next())?.ok_or(invalid("missing step"))?;
                self.confirmed(credential).await?;
                Ok(Verdict::Accepted { step })
            }
            2 => Ok(Verdict::Replayed),
            3 => Ok(Verdict::Mismatch),
            _ => Err(invalid("unexpected attempt reply")),
        }
    }

    async fn begin(
        &self,
        credential: &CredentialId,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> Result<Gate, StoreError> {
        let args = [
            now.min(MAX_TIME),
            u64::from(policy.lockout()),
            u64::from(policy.free_failures()),
            policy.base_delay_secs(),
            policy.max_delay_secs(),
        ]
        .map(|n| format!("{n}"));
        let args = args.each_ref().map(|a| a.as_bytes());
        let reply: Vec<Value> = self
            .run(&self.scripts.begin, &self.keys(credential), &args)
            .await?;
        let mut fields = reply.iter();
        match int::<i64>(fields.next())? {
            1 => {
                let failures = int(fields.next())?;
                Ok(Gate::Open(state(fields.next(), fields.next(), failures)?))
            }
            0 => {
                let retry: i64 = int(fields.next())?;
                Ok(Gate::Throttled {
                    retry_after: u64::try_from(retry).ok(),
                })
            }
            _ => Err(invalid("unexpected begin reply")),
        }
    }

    async fn advance(
        &self,
        credential: &CredentialId,
        advance: Advance,
    ) -> Result<Advanced, StoreError> {
        // Kept until `until` by the caller's clock (`ttl`, at least one second:
        // 0 means "no expiry" to the script) or by the server's, whichever is later.
        let (ttl, until) = advance.expires_at.map_or((0, 0), |e| {
            let until = e
                .saturating_add(otpcore_guard::store::EXPIRY_GRACE_SECS)
                .min(MAX_EXPIRY);
            (until.saturating_sub(advance.now).max(1), until)
        });
        let args = [
            format!("{}", advance.step),
            format!("{}", advance.drift),
            format!("{ttl}"),
            format!("{until}"),
        ];
        let args = args.each_ref().map(|a| a.as_bytes());
        let won: i64 = self
            .run(&self.scripts.advance, &self.keys(credential), &args)
            .await?;
        if won == 1 {
            self.confirmed(credential).await?;
        }
        Ok(if won == 1 {
            Advanced::Won
        } else {
            Advanced::Lost
        })
    }

    async fn refund(&self, credential: &CredentialId) -> Result<(), StoreError> {
        let [_, _, fail] = self.keys(credential);
        let _: i64 = self.run(&self.scripts.refund, &[fail], &[]).await?;
        Ok(())
    }

    async fn reset(&self, credential: &CredentialId) -> Result<(), StoreError> {
        let [_, _, fail] = self.keys(credential);
        let mut connection = self.connection.clone();
        let _: i64 = redis::cmd("DEL")
            .arg(fail)
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn remove(&self, credential: &CredentialId) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let _: i64 = redis::cmd("DEL")
            .arg(&self.keys(credential))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn load(&self, credential: &CredentialId) -> Result<State, StoreError> {
        let reply: Vec<Value> = self
            .run(&self.scripts.load, &self.keys(credential), &[])
            .await?;
        let failures = text(reply.get(2))?.unwrap_or(0);
        state(reply.first(), reply.get(1), failures)
    }
}

impl<C> core::fmt::Debug for RedisStore<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}
