-- otpcore stateful verification: one row per credential.
-- Applied by PostgresStore::migrate(); idempotent. Shipped in the crate as
-- PostgresStore::MIGRATION for your own migration tool.
CREATE TABLE IF NOT EXISTS otpcore_state (
    -- CredentialId: 1-200 printable ASCII characters, no braces.
    credential      text PRIMARY KEY,
    -- Last accepted TOTP step or HOTP counter: an unsigned 64-bit integer.
    last_step       numeric(20, 0)
                    CHECK (last_step >= 0 AND last_step <= 18446744073709551615),
    -- Unix time after which last_step can no longer be accepted anyway (TOTP);
    -- NULL keeps it for ever (HOTP counters). Used by purge_expired().
    expires_at      bigint,
    -- Recorded TOTP clock drift, in steps.
    drift           bigint  NOT NULL DEFAULT 0,
    -- Consecutive failures, counting attempts in flight.
    failures        integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    -- Unix time of the previous counted attempt; NULL while no failure counts.
    last_attempt_at bigint
);

CREATE INDEX IF NOT EXISTS otpcore_state_expires_at
    ON otpcore_state (expires_at) WHERE expires_at IS NOT NULL;
