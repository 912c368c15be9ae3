//! How [`PostgresStore`](crate::PostgresStore) runs its statements: prepared
//! and cached per connection, or unnamed (for PgBouncer's transaction
//! pooling), and retried a bounded number of times after a serialization
//! failure or a deadlock.

use deadpool_postgres::Pool;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::Row;

use otpcore_guard::store::{StoreError, StoreErrorKind};

/// A statement parameter with its PostgreSQL type (declared, so that an
/// unnamed statement needs no prepare round trip).
pub(crate) type Param<'a> = (&'a (dyn ToSql + Sync), Type);

/// How statements reach the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statements {
    /// Named prepared statements, cached per connection (`prepare_cached`):
    /// the default, for direct connections and session pooling.
    Prepared,
    /// Unnamed statements with declared parameter types, parsed and executed
    /// in one exchange (`query_typed`): nothing outlives the statement, so it
    /// works behind PgBouncer in transaction-pooling mode, where a named
    /// statement prepared on one server connection may be executed on another
    /// (test `pgbouncer::postgres_store_behind_pgbouncer_transaction_pooling`).
    Unnamed,
}

/// The pool, the statement mode and the retry budget.
#[derive(Clone)]
pub(crate) struct Runner {
    pub(crate) pool: Pool,
    pub(crate) statements: Statements,
    pub(crate) retries: u32,
}

/// SQLSTATE 40001 (serialization failure) and 40P01 (deadlock detected): the
/// statement was rolled back, with no effect, so running it again is safe.
fn retryable(e: &tokio_postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

impl Runner {
    /// The rows of `sql`, retried up to `retries` times after a serialization
    /// failure or a deadlock; any other error, or the last of those, fails.
    pub(crate) async fn query(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let mut tries = 0u32;
        loop {
            let result = match self.statements {
                Statements::Prepared => match client.prepare_cached(sql).await {
                    Ok(statement) => {
                        let values: Vec<&(dyn ToSql + Sync)> =
                            params.iter().map(|(v, _)| *v).collect();
                        client.query(&statement, &values).await
                    }
                    Err(e) => Err(e),
                },
                Statements::Unnamed => client.query_typed(sql, params).await,
            };
            match result {
                Err(e) if retryable(&e) && tries < self.retries => tries = tries.saturating_add(1),
                other => return other.map_err(unavailable),
            }
        }
    }
}

pub(crate) fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::new(StoreErrorKind::Unavailable, e)
}
