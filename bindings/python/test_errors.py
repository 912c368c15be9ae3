"""Bad input raises a typed OtpError subclass, never crashes, never echoes the secret."""

import pytest

from otpcore_ffi import (
    Algorithm,
    Hotp,
    HotpConfig,
    KeyUri,
    OtpError,
    Secret,
    SecretPolicy,
    Totp,
    TotpConfig,
    Window,
)

RFC_SECRET = b"12345678901234567890"


def test_bad_secrets():
    with pytest.raises(OtpError.InvalidBase32) as e:
        Secret.from_base32("JBSWY3DPEHPK3PX1JBSWY3DPEHPK3PXP")
    assert "JBSWY3DP" not in str(e.value)
    with pytest.raises(OtpError.SecretTooShort):
        Secret.from_bytes(bytes(15))
    with pytest.raises(OtpError.SecretTooShort):
        Secret.from_base32("JBSWY3DPEHPK3PXP")
    with pytest.raises(OtpError.SecretTooLong):
        Secret.from_bytes(bytes(1025))
    # The legacy policy accepts the 80-bit secrets many services issue.
    legacy = Secret.from_base32_with_policy("jbsw y3dp-ehpk 3pxp", SecretPolicy.LEGACY)
    assert legacy.byte_count() == 10


def test_bad_parameters():
    secret = Secret.from_bytes(RFC_SECRET)
    with pytest.raises(OtpError.InvalidDigits):
        Hotp.with_config(secret, HotpConfig(algorithm=Algorithm.SHA1, digits=5))
    with pytest.raises(OtpError.InvalidDigits):
        Totp.with_config(secret, TotpConfig(algorithm=Algorithm.SHA1, digits=11))
    with pytest.raises(OtpError.InvalidPeriod):
        Totp.with_config(secret, TotpConfig(algorithm=Algorithm.SHA1, period=0))
    late = Totp.with_config(secret, TotpConfig(algorithm=Algorithm.SHA1, t0=1000))
    with pytest.raises(OtpError.BeforeT0):
        late.generate_at(999)


def test_rejected_codes():
    totp = Totp(Secret.from_bytes(RFC_SECRET))
    with pytest.raises(OtpError.MalformedCode):
        totp.verify_at("28708", 59)
    with pytest.raises(OtpError.MalformedCode):
        totp.verify_at("28708x", 59)
    with pytest.raises(OtpError.Mismatch):
        totp.verify_at("000000", 59)
    m = totp.verify_at("287 082", 59)
    with pytest.raises(OtpError.Replayed):
        totp.verify_at("287082", 59, last_used=m.step)
    with pytest.raises(OtpError.WindowTooLarge):
        totp.verify_at("287082", 59, Window(behind=1000, ahead=1))


@pytest.mark.parametrize(
    "uri",
    [
        "https://example.com",
        "otpauth://sotp/acct?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "otpauth://totp/acct?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!",
        "otpauth://totp/acct",
        "otpauth://hotp/acct?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    ],
)
def test_bad_uris(uri):
    with pytest.raises(OtpError.InvalidUri) as e:
        KeyUri.parse(uri)
    assert "GEZDGNBV" not in str(e.value)


def test_every_error_is_an_otp_error():
    with pytest.raises(OtpError):
        Secret.from_base32("not base32 !")


def test_out_of_range_arguments_raise_instead_of_wrapping():
    totp = Totp(Secret.from_bytes(RFC_SECRET))
    with pytest.raises((ValueError, OverflowError, TypeError)):
        totp.generate_at(-1)


def test_secrets_are_redacted_when_printed():
    secret = Secret.from_bytes(RFC_SECRET)
    assert repr(secret) == "Secret(..)"
    uri = KeyUri.totp(secret, "ACME", "alice@example.com")
    assert secret.expose_base32() not in repr(uri)
