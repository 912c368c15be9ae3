"""A typed use of the package, for `mypy --strict` (scripts/test-python.sh) and run by
pytest as well: the stubs must match what the module does."""

from typing import Optional

from otpcore_ffi import (
    Algorithm,
    KeyUri,
    Match,
    OtpError,
    Secret,
    StatefulVerifier,
    Totp,
    TotpConfig,
    VerifierConfig,
    VerifyOutcome,
    Window,
)


def login(verifier: StatefulVerifier, totp: Totp, user: str, typed: str, now: int) -> Optional[int]:
    """The accepted step's offset, or None."""
    outcome: VerifyOutcome = verifier.verify_totp(user, totp, typed, now)
    if isinstance(outcome, VerifyOutcome.ACCEPTED):
        return outcome.offset
    return None


def check(totp: Totp, typed: str, at: int, last_used: Optional[int]) -> Optional[Match]:
    try:
        return totp.verify_at(typed, at, Window(behind=1, ahead=0), last_used=last_used)
    except OtpError.Mismatch:
        return None


def test_typed_usage() -> None:
    secret = Secret.generate(Algorithm.SHA256)
    totp = Totp.with_config(secret, TotpConfig(algorithm=Algorithm.SHA256, digits=8))
    uri: str = KeyUri.totp(secret, "ACME", "alice").with_digits(8).to_uri_string()
    assert uri.startswith("otpauth://")
    code: str = totp.generate_at(1_700_000_000)
    verifier = StatefulVerifier(VerifierConfig(max_drift=5))
    assert login(verifier, totp, "alice", code, 1_700_000_000) == 0
    m = check(totp, code, 1_700_000_000, None)
    assert m is not None and m.step == 1_700_000_000 // 30
