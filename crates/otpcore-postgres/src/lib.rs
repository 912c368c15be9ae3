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

use deadpool_postgres::Pool;
use tokio_postgres::Row;

use otpcore_guard::store::{
    Advance, Advanced, Candidates, CredentialId, Gate, State, Store, StoreError, StoreErrorKind,
    Verdict,
};
use otpcore_guard::ThrottlePolicy;

/// Times are clamped below 2^53 seconds, where `float8` arithmetic is exact.
const MAX_TIME: u64 = (1 << 53) - 1;

/// The throttle decision of [`ThrottlePolicy::check`], in SQL, on the row `s`.
/// `$2` now, `$3` lockout, `$4` free failures, `$5` base delay, `$6` max delay.
const BEGIN: &str = "
WITH up AS (
    INSERT INTO otpcore_state AS s (credential, failures, last_attempt_at)
    VALUES ($1, 1, $2::bigint)
    ON CONFLICT (credential) DO UPDATE
       SET failures = s.failures + 1, last_attempt_at = $2::bigint
     WHERE s.failures < $3::integer
       AND (s.last_attempt_at IS NULL
            OR ($2::bigint)::float8 >= s.last_attempt_at::float8
               + CASE WHEN s.failures < $4::integer THEN 0::float8
                      ELSE LEAST(($6::bigint)::float8,
                                 ($5::bigint)::float8
                                 * power(2::float8, (s.failures - $4::integer)::float8))
                 END)
    RETURNING s.last_step, s.drift, s.failures, s.last_attempt_at
)
SELECT true AS open, last_step::text, drift, failures, last_attempt_at FROM up
UNION ALL
SELECT false, last_step::text, drift, failures, last_attempt_at FROM otpcore_state
 WHERE credential = $1 AND NOT EXISTS (SELECT 1 FROM up)";

/// The compare-and-set: one conditional upsert; the row lock decides the race.
const ADVANCE: &str = "
INSERT INTO otpcore_state AS s (credential, last_step, expires_at, drift, failures, last_attempt_at)
VALUES ($1, $2::text::numeric, $3::bigint, $4::bigint, 0, NULL)
ON CONFLICT (credential) DO UPDATE
   SET last_step = EXCLUDED.last_step, expires_at = EXCLUDED.expires_at,
       drift = EXCLUDED.drift, failures = 0, last_attempt_at = NULL
 WHERE s.last_step IS NULL OR s.last_step < EXCLUDED.last_step";

const REFUND: &str = "
UPDATE otpcore_state
   SET failures = GREATEST(failures - 1, 0),
       last_attempt_at = CASE WHEN failures <= 1 THEN NULL ELSE last_attempt_at END
 WHERE credential = $1";

/// A whole TOTP verification: `otpcore_attempt` of
/// `migrations/0002_otpcore_attempt.sql`, one statement.
const ATTEMPT: &str = "
SELECT verdict, step, retry_after
  FROM otpcore_attempt($1, $2::bigint, $3::integer, $4::integer, $5::bigint, $6::bigint,
                       $7::text::numeric, $8::text::numeric, $9::bigint, $10::bigint,
                       $11::bigint, $12::text, $13::bigint, $14::bigint)";

const RESET: &str =
    "UPDATE otpcore_state SET failures = 0, last_attempt_at = NULL WHERE credential = $1";

const REMOVE: &str = "DELETE FROM otpcore_state WHERE credential = $1";

const LOAD: &str =
    "SELECT last_step::text, drift, failures FROM otpcore_state WHERE credential = $1";

/// `$1` the caller's time, `$2` the grace: a step expires by the earlier of the
/// caller's time and the database's own clock, never by a later caller's time.
const PURGE: &str = "
DELETE FROM otpcore_state
 WHERE expires_at <= LEAST($1::bigint, floor(extract(epoch FROM now()))::bigint) - $2::bigint
   AND drift = 0 AND failures = 0 AND last_attempt_at IS NULL";

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
    pool: Pool,
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
        PostgresStore { pool }
    }

    /// Creates the table and index if they do not exist.
    ///
    /// # Errors
    /// [`StoreError`] if the database cannot be reached or refuses the DDL.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        client
            .batch_execute(Self::MIGRATION)
            .await
            .map_err(unavailable)
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
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client.prepare_cached(PURGE).await.map_err(unavailable)?;
        client
            .execute(&statement, &[&now, &grace])
            .await
            .map_err(unavailable)
    }

    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client.prepare_cached(sql).await.map_err(unavailable)?;
        client.query(&statement, params).await.map_err(unavailable)
    }

    async fn execute(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client.prepare_cached(sql).await.map_err(unavailable)?;
        client
            .execute(&statement, params)
            .await
            .map_err(unavailable)
    }
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::new(StoreErrorKind::Unavailable, e)
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
            .query(
                ATTEMPT,
                &[
                    &id, &now, &lockout, &free, &base, &max, &first, &expected, &max_drift,
                    &behind, &ahead, &bits, &expiry, &period,
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
            let rows = self
                .query(BEGIN, &[&id, &now, &lockout, &free, &base, &max])
                .await?;
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
        let rows = self
            .execute(
                ADVANCE,
                &[&credential.as_str(), &step, &expires, &advance.drift],
            )
            .await?;
        Ok(if rows == 1 {
            Advanced::Won
        } else {
            Advanced::Lost
        })
    }

    async fn refund(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.execute(REFUND, &[&credential.as_str()]).await?;
        Ok(())
    }

    async fn reset(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.execute(RESET, &[&credential.as_str()]).await?;
        Ok(())
    }

    async fn remove(&self, credential: &CredentialId) -> Result<(), StoreError> {
        self.execute(REMOVE, &[&credential.as_str()]).await?;
        Ok(())
    }

    async fn load(&self, credential: &CredentialId) -> Result<State, StoreError> {
        let rows = self.query(LOAD, &[&credential.as_str()]).await?;
        rows.first()
            .map_or(Ok(State::default()), |row| state(row, 0))
    }
}

impl core::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}
