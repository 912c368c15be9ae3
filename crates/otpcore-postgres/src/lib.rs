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

mod sql;
mod statements;

use deadpool_postgres::Pool;
use tokio_postgres::types::Type;
use tokio_postgres::Row;

use sql::{ADVANCE, ATTEMPT, BEGIN, LOAD, PURGE, REFUND, REMOVE, RESET};
pub use statements::Statements;
use statements::{unavailable, Runner};

use otpcore_guard::store::{
    Advance, Advanced, Candidates, CredentialId, Gate, State, Store, StoreError, StoreErrorKind,
    Verdict,
};
use otpcore_guard::ThrottlePolicy;

/// The key of the transaction-level advisory lock [`PostgresStore::migrate`]
/// holds while it runs the DDL: "otpcore" in ASCII, so that it is unlikely to
/// meet an application's own advisory locks. Take the same lock if your own
/// migration tool applies [`PostgresStore::MIGRATION`] while servers start.
pub const MIGRATION_LOCK: i64 = 0x006f_7470_636f_7265;

/// Times are clamped below 2^53 seconds, where `float8` arithmetic is exact.
const MAX_TIME: u64 = (1 << 53) - 1;

/// A [`Store`] in PostgreSQL, through a `deadpool-postgres`
/// connection pool over `tokio-postgres`.
///
/// # Schema
/// One table, `otpcore_state`, created by [`PostgresStore::migrate`] from
/// [`PostgresStore::MIGRATION`] (also shipped as
/// `migrations/0001_otpcore_state.sql` for your own migration tool).
/// Steps are `numeric(20, 0)`, so HOTP counters compare correctly over the whole
/// `u64` range.
///
/// # Guarantees
/// Every operation is **one statement**. The compare-and-set is a conditional
/// upsert (`INSERT … ON CONFLICT DO UPDATE … WHERE last_step < $step`): the
/// row lock makes concurrent statements on any number of servers wait for each
/// other, and the `WHERE` is re-checked against the committed row, so the
/// database decides every race, at the default `READ COMMITTED` isolation.
/// Throttling is decided the same way in the `begin` statement. Once a
/// statement has returned, its effect is committed and — with PostgreSQL's
/// defaults (`fsync`, `synchronous_commit = on`) — survives a crash: this is
/// the store for HOTP counters. With asynchronous streaming replication, a
/// failover can lose the last commits unless `synchronous_standby_names` is set.
///
/// Expired TOTP state is not deleted by itself: call
/// [`PostgresStore::purge_expired`] periodically. Expiry trusts **the
/// database's clock** (`now()`), never a caller's alone: see that method.
///
/// # Errors
/// Pool, connection and statement failures are [`StoreError`]s of kind
/// [`StoreErrorKind::Unavailable`]; the [`Guard`](otpcore_guard::Guard) then fails
/// closed. Configure the pool's `wait`/`create` timeouts so that a database
/// outage fails logins quickly rather than queueing them.
#[derive(Clone)]
pub struct PostgresStore {
    runner: Runner,
}

impl PostgresStore {
    /// The schema, as shipped in `migrations/0001_otpcore_state.sql` and
    /// `migrations/0002_otpcore_attempt.sql` (the function behind
    /// [`Store::attempt`]), in that order.
    pub const MIGRATION: &'static str = concat!(
        include_str!("../migrations/0001_otpcore_state.sql"),
        include_str!("../migrations/0002_otpcore_attempt.sql")
    );

    /// A store using `pool`. Run [`PostgresStore::migrate`] (or apply
    /// [`PostgresStore::MIGRATION`]) once before use.
    #[must_use]
    pub fn new(pool: Pool) -> Self {
        PostgresStore {
            runner: Runner {
                pool,
                statements: Statements::Prepared,
                retries: Self::DEFAULT_RETRIES,
            },
        }
    }

    /// How many times a statement is run again after PostgreSQL rolled it back
    /// with a serialization failure (SQLSTATE 40001) or a deadlock (40P01), by
    /// default: 3.
    pub const DEFAULT_RETRIES: u32 = 3;

    /// The same store, running statements as `statements` says: use
    /// [`Statements::Unnamed`] behind PgBouncer in transaction-pooling mode.
    #[must_use]
    pub fn with_statements(self, statements: Statements) -> Self {
        let runner = Runner {
            statements,
            ..self.runner
        };
        PostgresStore { runner }
    }

    /// The same store, retrying a statement rolled back by a serialization
    /// failure (SQLSTATE 40001) or a deadlock (40P01) at most `retries` times
    /// (each one rolled back with no effect, so running it again is safe);
    /// after that, and on any other error, the operation fails and the guard
    /// fails closed (test `retries::postgres_retries_serialization_failures_then_fails_closed`).
    /// Such errors need concurrent transactions of your own on the table
    /// (a trigger, a `SERIALIZABLE` default, a migration): the store's own
    /// statements run at `READ COMMITTED` and lock one row each.
    #[must_use]
    pub fn with_retries(self, retries: u32) -> Self {
        let runner = Runner {
            retries,
            ..self.runner
        };
        PostgresStore { runner }
    }

    /// Creates the table, index and function if they do not exist.
    ///
    /// Safe to call from every server process at start-up at once: the DDL
    /// runs in one transaction holding a transaction-level advisory lock
    /// ([`MIGRATION_LOCK`]), so concurrent calls run one after the other.
    /// Without it, PostgreSQL's `IF NOT EXISTS` and `OR REPLACE` are not
    /// safe against each other and one of two concurrent calls fails (test
    /// `schema::postgres_concurrent_migrations_all_succeed`). The lock is
    /// released when the transaction ends, so it also works through
    /// PgBouncer in transaction-pooling mode.
    ///
    /// # Errors
    /// [`StoreError`] if the database cannot be reached or refuses the DDL;
    /// nothing is half-applied then (one transaction).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let client = self.runner.pool.get().await.map_err(unavailable)?;
        let locked = format!(
            "BEGIN; SELECT pg_advisory_xact_lock({MIGRATION_LOCK}); {} COMMIT;",
            Self::MIGRATION
        );
        let result = client.batch_execute(&locked).await.map_err(unavailable);
        if result.is_err() {
            // A failed statement leaves the transaction open and aborted on
            // this pooled connection; end it before the pool reuses it.
            let _ = client.batch_execute("ROLLBACK").await;
        }
        result
    }

    /// Deletes the rows that carry no information any more: an expired TOTP
    /// step, no drift, no failures. Returns how many were deleted.
    ///
    /// # Security
    /// A step counts as expired only once `min(now, the database's clock)`
    /// reaches its expiry plus [`EXPIRY_GRACE_SECS`](otpcore_guard::store::EXPIRY_GRACE_SECS):
    /// a `now` ahead of the database's clock deletes no row whose step a
    /// correctly clocked server can still accept (test
    /// `store_contract::postgres_store::postgres_purge_trusts_the_database_clock`);
    /// a `now` behind it deletes less.
    ///
    /// # Errors
    /// [`StoreError`] if the database cannot be reached.
    pub async fn purge_expired(&self, now: u64) -> Result<u64, StoreError> {
        let now = clamp_time(now);
        let grace = clamp_time(otpcore_guard::store::EXPIRY_GRACE_SECS);
        let rows = self
            .runner
            .query(PURGE, &[(&now, Type::INT8), (&grace, Type::INT8)])
            .await?;
        let n: i64 = rows
            .first()
            .ok_or(invalid("no count"))?
            .try_get(0)
            .map_err(unavailable)?;
        u64::try_from(n).map_err(|_| invalid("negative count"))
    }
}

fn invalid(what: &'static str) -> StoreError {
    StoreError::new(StoreErrorKind::InvalidData, what)
}

fn clamp_time(t: u64) -> i64 {
    i64::try_from(t.min(MAX_TIME)).unwrap_or(i64::MAX)
}

/// `last_step::text, drift, failures` from the row, starting at column `at`.
fn state(row: &Row, at: usize) -> Result<State, StoreError> {
    let last: Option<String> = row.try_get(at).map_err(unavailable)?;
    let failures: i32 = row.try_get(at.saturating_add(2)).map_err(unavailable)?;
    Ok(State {
        last_step: last
            .map(|s| s.parse().map_err(|_| invalid("last_step is not a u64")))
            .transpose()?,
        drift: row.try_get(at.saturating_add(1)).map_err(unavailable)?,
        failures: u32::try_from(failures).map_err(|_| invalid("negative failure count"))?,
    })
}

impl Store for PostgresStore {
    /// One statement, `SELECT … FROM otpcore_attempt(…)`: throttling, the
    /// drift-centred window over the match bits, the compare-and-set and the
    /// drift update, under the row lock.
    async fn attempt(
        &self,
        credential: &CredentialId,
        candidates: &Candidates,
        policy: &ThrottlePolicy,
    ) -> Result<Verdict, StoreError> {
        let Ok(bits) = core::str::from_utf8(candidates.matches()) else {
            return Err(invalid("match bits are not ASCII"));
        };
        let now = clamp_time(candidates.now());
        let lockout = i32::try_from(policy.lockout()).unwrap_or(i32::MAX);
        let free = i32::try_from(policy.free_failures()).unwrap_or(i32::MAX);
        let base = clamp_time(policy.base_delay_secs());
        let max = clamp_time(policy.max_delay_secs());
        let first = candidates.first().to_string();
        let expected = candidates.expected().to_string();
        let max_drift = clamp_time(candidates.max_drift());
        let window = candidates.window();
        let [behind, ahead] = [window.behind, window.ahead].map(clamp_time);
        // An expiry beyond i64 is kept for ever: erring on the side of refusing.
        let expiry: Option<i64> = candidates
            .expiry_of_first()
            .and_then(|e| i64::try_from(e).ok());
        let period = clamp_time(candidates.period());
        let id = credential.as_str();
        let rows = self
            .runner
            .query(
                ATTEMPT,
                &[
                    (&id, Type::TEXT),
                    (&now, Type::INT8),
                    (&lockout, Type::INT4),
                    (&free, Type::INT4),
                    (&base, Type::INT8),
                    (&max, Type::INT8),
                    (&first, Type::TEXT),
                    (&expected, Type::TEXT),
                    (&max_drift, Type::INT8),
                    (&behind, Type::INT8),
                    (&ahead, Type::INT8),
                    (&bits, Type::TEXT),
                    (&expiry, Type::INT8),
                    (&period, Type::INT8),
                ],
            )
            .await?;
        let row = rows.first().ok_or(invalid("no verdict"))?;
        let verdict: i32 = row.try_get(0).map_err(unavailable)?;
        match verdict {
            0 => {
                let retry: i64 = row.try_get(2).map_err(unavailable)?;
                Ok(Verdict::Throttled {
                    retry_after: u64::try_from(retry).ok(),
                })
            }
            1 => {
                let step: String = row.try_get(1).map_err(unavailable)?;
                let step = step.parse().map_err(|_| invalid("step is not a u64"))?;
                Ok(Verdict::Accepted { step })
            }
            2 => Ok(Verdict::Replayed),
            3 => Ok(Verdict::Mismatch),
            _ => Err(invalid("unexpected verdict")),
        }
    }

    async fn begin(
        &self,
        credential: &CredentialId,
        now: u64,
        policy: &ThrottlePolicy,
    ) -> Result<Gate, StoreError> {
        let now = clamp_time(now);
        let lockout = i32::try_from(policy.lockout()).unwrap_or(i32::MAX);
        let free = i32::try_from(policy.free_failures()).unwrap_or(i32::MAX);
        let base = clamp_time(policy.base_delay_secs());
        let max = clamp_time(policy.max_delay_secs());
        let id = credential.as_str();
        // The refusal branch reads the row as of the statement's start; if a
        // concurrent update makes that snapshot look allowed, ask again.
        for _ in 0..3 {
            let params = [
                (
                    &id as &(dyn tokio_postgres::types::ToSql + Sync),
                    Type::TEXT,
                ),
                (&now, Type::INT8),
                (&lockout, Type::INT4),
                (&free, Type::INT4),
                (&base, Type::INT8),
                (&max, Type::INT8),
            ];
            let rows = self.runner.query(BEGIN, &params).await?;
            let Some(row) = rows.first() else { continue };
            let open: bool = row.try_get(0).map_err(unavailable)?;
            let state = state(row, 1)?;
            if open {
                return Ok(Gate::Open(state));
            }
            let last: Option<i64> = row.try_get(4).map_err(unavailable)?;
            let last = last.and_then(|t| u64::try_from(t).ok());
            let now = u64::try_from(now).unwrap_or(0);
            if let Err(retry_after) = policy.check(state.failures, last, now) {
                return Ok(Gate::Throttled { retry_after });
            }
        }
        Ok(Gate::Throttled {
            retry_after: Some(1),
        })
    }

    async fn advance(
        &self,
        credential: &CredentialId,
        advance: Advance,
    ) -> Result<Advanced, StoreError> {
        let step = advance.step.to_string();
        // An expiry beyond i64 is kept for ever: erring on the side of refusing.
        let expires: Option<i64> = advance.expires_at.and_then(|e| i64::try_from(e).ok());
        let params = [
            (
                &credential.as_str() as &(dyn tokio_postgres::types::ToSql + Sync),
                Type::TEXT,
            ),
            (&step, Type::TEXT),
            (&expires, Type::INT8),
            (&advance.drift, Type::INT8),
        ];
        let rows = self.runner.query(ADVANCE, &params).await?;
        Ok(if rows.len() == 1 {
            Advanced::Won
        } else {
            Advanced::Lost
        })
    }

    async fn refund(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.runner
            .query(REFUND, &[(&credential.as_str(), Type::TEXT)])
            .await?;
        Ok(())
    }

    async fn reset(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.runner
            .query(RESET, &[(&credential.as_str(), Type::TEXT)])
            .await?;
        Ok(())
    }

    async fn remove(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.runner
            .query(REMOVE, &[(&credential.as_str(), Type::TEXT)])
            .await?;
        Ok(())
    }

    async fn load(&self, credential: &CredentialId) -> Result<State, StoreError> {
        let rows = self
            .runner
            .query(LOAD, &[(&credential.as_str(), Type::TEXT)])
            .await?;
        rows.first()
            .map_or(Ok(State::default()), |row| state(row, 0))
    }
}

impl core::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}
