//! The statements of [`PostgresStore`](crate::PostgresStore): each one is
//! one operation of the `Store` contract, decided by the database under the
//! row lock. Every parameter is cast explicitly, so that they also run as
//! unnamed statements with declared types (`Statements::Unnamed`).

/// The throttle decision of `ThrottlePolicy::check`, in SQL, on the row `s`.
/// `$2` now, `$3` lockout, `$4` free failures, `$5` base delay, `$6` max delay.
pub(crate) const BEGIN: &str = "
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
pub(crate) const ADVANCE: &str = "
INSERT INTO otpcore_state AS s (credential, last_step, expires_at, drift, failures, last_attempt_at)
VALUES ($1, $2::text::numeric, $3::bigint, $4::bigint, 0, NULL)
ON CONFLICT (credential) DO UPDATE
   SET last_step = EXCLUDED.last_step, expires_at = EXCLUDED.expires_at,
       drift = EXCLUDED.drift, failures = 0, last_attempt_at = NULL
 WHERE s.last_step IS NULL OR s.last_step < EXCLUDED.last_step
RETURNING 1";

pub(crate) const REFUND: &str = "
UPDATE otpcore_state
   SET failures = GREATEST(failures - 1, 0),
       last_attempt_at = CASE WHEN failures <= 1 THEN NULL ELSE last_attempt_at END
 WHERE credential = $1";

/// A whole TOTP verification: `otpcore_attempt` of
/// `migrations/0002_otpcore_attempt.sql`, one statement.
pub(crate) const ATTEMPT: &str = "
SELECT verdict, step, retry_after
  FROM otpcore_attempt($1, $2::bigint, $3::integer, $4::integer, $5::bigint, $6::bigint,
                       $7::text::numeric, $8::text::numeric, $9::bigint, $10::bigint,
                       $11::bigint, $12::text, $13::bigint, $14::bigint)";

pub(crate) const RESET: &str =
    "UPDATE otpcore_state SET failures = 0, last_attempt_at = NULL WHERE credential = $1";

pub(crate) const REMOVE: &str = "DELETE FROM otpcore_state WHERE credential = $1";

pub(crate) const LOAD: &str =
    "SELECT last_step::text, drift, failures FROM otpcore_state WHERE credential = $1";

/// `$1` the caller's time, `$2` the grace: a step expires by the earlier of the
/// caller's time and the database's own clock, never by a later caller's time.
pub(crate) const PURGE: &str = "
WITH gone AS (
DELETE FROM otpcore_state
 WHERE expires_at <= LEAST($1::bigint, floor(extract(epoch FROM now()))::bigint) - $2::bigint
   AND drift = 0 AND failures = 0 AND last_attempt_at IS NULL
RETURNING 1)
SELECT count(*) FROM gone";
