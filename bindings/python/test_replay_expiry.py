"""Issue 13 §1 through the binding: a call carrying a later time must not expire
another credential's replay record while its step can still be accepted."""

import os
import time

from otpcore_ffi import Hotp, Secret, StatefulVerifier, Totp, VerifyOutcome

SEED = b"12345678901234567890"
STEP_FORWARD = 3600
# The verifier's store has max(16, 4 * CPUs) shards, each sweeping itself after
# 64 writes: enough other calls that every shard, the victim's included, sweeps.
OTHERS = max(16, 4 * (os.cpu_count() or 4)) * 64 * 2


def victim_logged_in():
    verifier = StatefulVerifier()
    totp = Totp(Secret.from_bytes(SEED))
    t = int(time.time())
    code = totp.generate_at(t)
    assert isinstance(verifier.verify_totp("victim", totp, code, t), VerifyOutcome.ACCEPTED)
    return verifier, totp, t, code


def assert_still_replayed(verifier, totp, t, code):
    assert verifier.verify_totp("victim", totp, code, t + 1) == VerifyOutcome.REPLAYED()


def test_hotp_at_in_milliseconds_keeps_other_replay_records():
    verifier, totp, t, code = victim_logged_in()
    hotp = Hotp(Secret.from_bytes(SEED))
    first = hotp.generate(0)
    for i in range(OTHERS):
        assert isinstance(verifier.verify_hotp(f"hotp{i}", hotp, first, t * 1000), VerifyOutcome.ACCEPTED)
    assert_still_replayed(verifier, totp, t, code)


def test_forward_clock_step_keeps_other_replay_records():
    verifier, totp, t, code = victim_logged_in()
    stepped = t + STEP_FORWARD
    theirs = totp.generate_at(stepped)
    for i in range(OTHERS):
        assert isinstance(verifier.verify_totp(f"user{i}", totp, theirs, stepped), VerifyOutcome.ACCEPTED)
    assert_still_replayed(verifier, totp, t, code)


def test_purge_expired_in_the_future_keeps_replay_records():
    verifier, totp, t, code = victim_logged_in()
    verifier.purge_expired(t + STEP_FORWARD)
    assert_still_replayed(verifier, totp, t, code)
    verifier.purge_expired(2**64 - 1)
    assert_still_replayed(verifier, totp, t, code)
