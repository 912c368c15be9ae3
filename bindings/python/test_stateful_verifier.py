"""The stateful verifier: each code accepted once, across Python threads, and throttling."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from otpcore_ffi import (
    Hotp,
    OtpError,
    RejectReason,
    Secret,
    StatefulVerifier,
    ThrottlePolicy,
    Totp,
    VerifierConfig,
    VerifyOutcome,
    Window,
)

T = 1_700_000_000
SEED = b"12345678901234567890"


@pytest.fixture
def totp():
    return Totp(Secret.from_bytes(SEED))


def test_a_verified_code_cannot_be_verified_twice(totp):
    verifier = StatefulVerifier()
    code = totp.generate_at(T)
    assert verifier.verify_totp("alice", totp, code, T) == VerifyOutcome.ACCEPTED(step=T // 30, offset=0)
    # Again, re-spaced, later in the same step and in the next one: always a replay.
    assert verifier.verify_totp("alice", totp, code, T + 1) == VerifyOutcome.REPLAYED()
    assert verifier.verify_totp("alice", totp, f"{code[:3]} {code[3:]}", T + 30) == VerifyOutcome.REPLAYED()
    assert verifier.state("alice").last_step == T // 30
    # Another credential is independent.
    assert verifier.verify_totp("bob", totp, code, T) == VerifyOutcome.ACCEPTED(step=T // 30, offset=0)

    hotp = Hotp(Secret.from_bytes(SEED))
    assert verifier.verify_hotp("carol:hotp", hotp, "755224", T) == VerifyOutcome.ACCEPTED(step=0, offset=0)
    assert verifier.verify_hotp("carol:hotp", hotp, "755224", T) == VerifyOutcome.REPLAYED()


def test_exactly_one_acceptance_among_concurrent_threads(totp):
    # Throttling loose enough that 64 contenders in flight are never held back.
    verifier = StatefulVerifier(VerifierConfig(throttle=ThrottlePolicy(lockout=100, free_failures=100)))
    contenders, rounds = 64, 50
    with ThreadPoolExecutor(max_workers=contenders) as pool:
        for r in range(rounds):
            at = T + 30 * r
            code = totp.generate_at(at)
            barrier = threading.Barrier(contenders)

            def contend(_):
                barrier.wait()  # all threads call at once
                return verifier.verify_totp("alice", totp, code, at)

            outcomes = list(pool.map(contend, range(contenders)))
            accepted = [o for o in outcomes if isinstance(o, VerifyOutcome.ACCEPTED)]
            assert accepted == [VerifyOutcome.ACCEPTED(step=at // 30, offset=0)], f"round {r}"
            assert outcomes.count(VerifyOutcome.REPLAYED()) == contenders - 1, f"round {r}: {outcomes}"


def test_throttling_is_a_typed_outcome(totp):
    verifier = StatefulVerifier(
        VerifierConfig(
            throttle=ThrottlePolicy(lockout=3, free_failures=1, base_delay_secs=10, max_delay_secs=60)
        )
    )
    mismatch = VerifyOutcome.REJECTED(reason=RejectReason.MISMATCH)
    assert verifier.verify_totp("mallory", totp, "000000", T) == mismatch
    assert verifier.verify_totp("mallory", totp, "000000", T) == VerifyOutcome.THROTTLED(retry_after_secs=10)
    # The right code is refused too while throttled: it is not even checked.
    right = totp.generate_at(T + 1)
    assert verifier.verify_totp("mallory", totp, right, T + 1) == VerifyOutcome.THROTTLED(retry_after_secs=9)
    assert verifier.verify_totp("mallory", totp, "000000", T + 10) == mismatch
    assert verifier.verify_totp("mallory", totp, "000000", T + 40) == mismatch
    locked = verifier.verify_totp("mallory", totp, "000000", T + 10_000)
    assert locked == VerifyOutcome.THROTTLED(retry_after_secs=None)
    assert verifier.state("mallory").failures == 3
    verifier.reset("mallory")
    late = T + 10_000
    assert verifier.verify_totp("mallory", totp, totp.generate_at(late), late) == VerifyOutcome.ACCEPTED(
        step=late // 30, offset=0
    )
    assert verifier.verify_totp("mallory", totp, "12x456", late) == VerifyOutcome.REJECTED(
        reason=RejectReason.MALFORMED_CODE
    )


@pytest.mark.parametrize("bad_id", ["", "a b", "{x}", "é", "x" * 201])
def test_bad_credential_ids_raise(totp, bad_id):
    with pytest.raises(OtpError.InvalidCredentialId):
        StatefulVerifier().verify_totp(bad_id, totp, "000000", T)


@pytest.mark.parametrize(
    "config",
    [
        VerifierConfig(throttle=ThrottlePolicy(lockout=0)),
        VerifierConfig(max_drift=1001),
        VerifierConfig(totp_window=Window(behind=1000, ahead=1)),
    ],
)
def test_bad_configs_raise(config):
    with pytest.raises(OtpError.InvalidConfig):
        StatefulVerifier(config)
