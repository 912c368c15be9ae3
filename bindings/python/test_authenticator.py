"""Issue 15 from Python: codes shown as apps show them (grouped, with the
countdown), Google Authenticator export (imported back, decoded by zxing-cpp
and by the official protobuf package), and TOTP resynchronisation in the
stateful verifier."""

import base64
import io
import sys
import urllib.parse

import pytest
import zxingcpp
from PIL import Image

from conftest import DATA
from otpcore_ffi import (
    Algorithm,
    KeyUri,
    OtpError,
    RejectReason,
    Secret,
    SecretPolicy,
    StatefulVerifier,
    StepWindow,
    Totp,
    TotpConfig,
    VerifierConfig,
    VerifyOutcome,
    export_migration,
    group_code,
    import_migration,
)

sys.path.insert(0, str(DATA))
import migration  # noqa: E402  (testdata/migration.py: the protobuf schema)

SEED = b"12345678901234567890"
T = 1_700_000_000


def test_codes_are_grouped_as_apps_show_them():
    assert [group_code(c) for c in ["711725", "1234567", "94287082", "123456789", "1234567890"]] == [
        "711 725", "123 4567", "9428 7082", "123 456 789", "123 456 7890"]
    assert group_code("012-345") == "012 345"
    for bad in ["12345", "12345678901", "12345a", " 123456"]:
        with pytest.raises(OtpError.MalformedCode):
            group_code(bad)


def test_display_counts_down_through_a_step():
    totp = Totp.with_config(Secret.from_bytes(SEED), TotpConfig(algorithm=Algorithm.SHA1, digits=8))
    shown = totp.display_at(59)  # RFC 6238 Appendix B
    assert (shown.code, shown.grouped) == ("94287082", "9428 7082")
    assert shown.window == StepWindow(step=1, valid_from=30, valid_until=60, remaining=1)
    for at in range(T, T + 31):
        w = totp.step_window(at)
        assert (w.step, w.valid_from, w.remaining) == (at // 30, at // 30 * 30, 30 - at % 30)
        assert totp.display_at(at).code == totp.generate_at(at)
    late = Totp.with_config(Secret.from_bytes(SEED), TotpConfig(algorithm=Algorithm.SHA1, t0=100))
    with pytest.raises(OtpError.BeforeT0):
        late.step_window(99)
    assert 1 <= Totp(Secret.from_bytes(SEED)).display_now().window.remaining <= 30


def accounts():
    legacy = Secret.from_bytes_with_policy(bytes(range(10)), SecretPolicy.LEGACY)  # 80-bit
    return [
        KeyUri.totp(Secret.from_bytes(bytes([i]) * 20), "Acme", f"user{i}@example.com") for i in range(8)
    ] + [
        KeyUri.totp(legacy, "GitHub", "octocat"),
        KeyUri.hotp(Secret.from_bytes(SEED), "Bank", "carol", 2**40),
        KeyUri.totp(Secret.from_bytes(bytes(64)), None, "sha512").with_algorithm(Algorithm.SHA512).with_digits(8),
    ]


def test_export_imports_back_and_decodes_in_zxing_and_protobuf():
    batches = export_migration(accounts(), 4)
    assert [b.batch_index() for b in batches] == [0, 1, 2]
    assert {b.batch_id() for b in batches} == {batches[0].batch_id()}
    imported = []
    for b in batches:
        uri = b.uri()
        assert uri.startswith("otpauth-migration://offline?data=")
        assert b.batch_size() == 3
        imported += import_migration(uri).accounts
        png = b.qr_png(4)
        assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [uri]
        payload = migration.decode(uri)
        assert (payload.version, payload.batch_size, payload.batch_index) == (1, 3, b.batch_index())
        assert [p.name for p in payload.otp_parameters] == [a.account() for a in b.accounts()]
        assert "user" not in repr(b)
    assert imported == accounts()
    # The default batch is ten accounts, as Google Authenticator makes them.
    assert len(export_migration(accounts())) == 2


def test_export_refuses_what_the_format_cannot_carry():
    seven = KeyUri.totp(Secret.from_bytes(SEED), "Acme", "bob").with_digits(7)
    with pytest.raises(OtpError.InvalidExport) as e:
        export_migration([accounts()[0], seven])
    assert str(e.value).startswith("account #1:") and "bob" not in str(e.value)
    with pytest.raises(OtpError.InvalidExport):
        export_migration(accounts(), 0)


def test_protobuf_export_imports_and_exports_again():
    payload = migration.Payload(version=1, batch_size=1, batch_index=0, batch_id=42)
    payload.otp_parameters.add(secret=bytes(range(10)), name="a", issuer="GitHub", algorithm=1, digits=1, type=2)
    payload.otp_parameters.add(secret=bytes(range(20)), name="b", issuer="", algorithm=2, digits=2, type=1, counter=7)
    batch = import_migration(migration.uri_of(payload))
    again = export_migration(batch.accounts)
    assert list(migration.decode(again[0].uri()).otp_parameters) == list(payload.otp_parameters)


def test_totp_resync_recentres_the_drift():
    totp = Totp(Secret.from_bytes(SEED))
    verifier = StatefulVerifier(VerifierConfig(totp_resync_window=10))

    def device(skew, at=T):  # the code of a device whose clock is `skew` steps off
        return totp.generate_at(at + 30 * skew)

    mismatch = VerifyOutcome.REJECTED(reason=RejectReason.MISMATCH)
    assert verifier.verify_totp("phone", totp, device(8), T) == mismatch
    assert verifier.resync_totp("phone", totp, device(6), device(8), T) == mismatch
    assert verifier.state("phone").failures == 2
    assert verifier.resync_totp("phone", totp, device(7), device(8), T) == VerifyOutcome.ACCEPTED(
        step=T // 30 + 8, offset=8)
    state = verifier.state("phone")
    assert (state.drift, state.failures) == (8, 0)
    assert verifier.resync_totp("phone", totp, device(7), device(8), T) == VerifyOutcome.REPLAYED()
    assert verifier.verify_totp("phone", totp, device(8, T + 30), T + 30) == VerifyOutcome.ACCEPTED(
        step=(T + 30) // 30 + 8, offset=8)
    # Beyond the resync window: not found.
    assert verifier.resync_totp("far", totp, device(11), device(12), T) == mismatch
    # The window is validated like the others.
    with pytest.raises(OtpError.InvalidConfig):
        StatefulVerifier(VerifierConfig(totp_resync_window=501))
