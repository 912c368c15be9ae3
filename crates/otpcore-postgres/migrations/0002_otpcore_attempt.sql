-- otpcore one-round-trip TOTP verification: Store::attempt as one function
-- call (`SELECT * FROM otpcore_attempt(...)`, one statement). Applied by
-- PostgresStore::migrate() after 0001; idempotent (CREATE OR REPLACE).
--
-- Under the row lock: ThrottlePolicy::check; the window of the recorded drift
-- (clamped to p_max_drift) over the guard's match bits (one '0'/'1' per
-- candidate step from p_first on); the compare-and-set of the newest fresh
-- match with its drift; or the failure counted (mismatch), or nothing
-- (replay: `begin` then `refund`). Decides exactly like Candidates::decide.
--
-- The bits were computed in constant time by the guard; no secret is compared
-- here. The window's slice is chosen by public state (the recorded drift) and
-- each of its bits is read once and folded in arithmetically, without an early
-- exit; a throttled attempt reads none.
--
-- verdict: 0 throttled (retry_after seconds, -1 = locked out), 1 accepted
-- (step), 2 replayed, 3 mismatch.
CREATE OR REPLACE FUNCTION otpcore_attempt(
    p_credential text, p_now bigint, p_lockout integer, p_free integer,
    p_base bigint, p_max bigint, p_first numeric, p_expected numeric,
    p_max_drift bigint, p_behind bigint, p_ahead bigint, p_bits text,
    p_expiry_first bigint, p_period bigint,
    OUT verdict integer, OUT step text, OUT retry_after bigint)
LANGUAGE plpgsql AS $$
DECLARE
    s otpcore_state%ROWTYPE;
    ready float8;
    e bigint := (p_expected - p_first)::bigint;
    centre bigint;
    best bigint := 0;
    fresh_hits integer := 0;
    replayed integer := 0;
    hit integer;
    fresh integer;
    take integer;
    expiry numeric;
BEGIN
    SELECT * INTO s FROM otpcore_state WHERE credential = p_credential FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO otpcore_state (credential) VALUES (p_credential) ON CONFLICT DO NOTHING;
        SELECT * INTO s FROM otpcore_state WHERE credential = p_credential FOR UPDATE;
    END IF;

    -- ThrottlePolicy::check (float8 is exact: every value stays below 2^53).
    IF s.failures >= p_lockout THEN
        verdict := 0; retry_after := -1; RETURN;
    END IF;
    IF s.last_attempt_at IS NOT NULL THEN
        ready := s.last_attempt_at::float8
            + CASE WHEN s.failures < p_free THEN 0::float8
                   ELSE LEAST(p_max::float8,
                              p_base::float8 * power(2::float8, (s.failures - p_free)::float8))
              END;
        IF p_now::float8 < ready THEN
            verdict := 0; retry_after := (ready - p_now::float8)::bigint; RETURN;
        END IF;
    END IF;

    centre := GREATEST(e + GREATEST(-p_max_drift, LEAST(p_max_drift, s.drift)), 0);
    FOR i IN GREATEST(centre - p_behind, 0) .. LEAST(centre + p_ahead, length(p_bits) - 1) LOOP
        hit := ascii(substr(p_bits, i + 1, 1)) - 48;
        fresh := (s.last_step IS NULL OR p_first + i > s.last_step)::integer;
        take := hit * fresh;
        best := best + take * (i - best);
        fresh_hits := fresh_hits + take;
        replayed := replayed + hit * (1 - fresh);
    END LOOP;

    IF fresh_hits > 0 THEN
        -- An expiry beyond bigint is kept for ever: erring on the side of refusing.
        expiry := p_expiry_first::numeric + best * p_period;
        UPDATE otpcore_state
           SET last_step = p_first + best,
               expires_at = CASE WHEN expiry <= 9223372036854775807 THEN expiry::bigint END,
               drift = GREATEST(-p_max_drift, LEAST(p_max_drift, best - e)),
               failures = 0, last_attempt_at = NULL
         WHERE credential = p_credential;
        verdict := 1; step := (p_first + best)::text; RETURN;
    END IF;
    IF replayed > 0 THEN
        IF s.failures > 0 THEN
            UPDATE otpcore_state SET last_attempt_at = p_now WHERE credential = p_credential;
        END IF;
        verdict := 2; RETURN;
    END IF;
    UPDATE otpcore_state SET failures = failures + 1, last_attempt_at = p_now
     WHERE credential = p_credential;
    verdict := 3;
END;
$$;
