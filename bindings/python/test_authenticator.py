"""Issue 15 from Python: codes shown as apps show them (grouped, with the
countdown), Google Authenticator export (imported back, decoded by zxing-cpp
and by the official protobuf package), and TOTP resynchronisation in the
stateful verifier."""

import io
import pathlib
import re
import sys
import textwrap

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
    Steam,
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
        assert Steam(Secret.from_bytes(SEED)).step_window(at) == w
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


def test_app_example():
    # --- app example (bindings/README.md, "Showing codes, exporting, resynchronising")
    from otpcore_ffi import Algorithm, KeyUri, Secret, StatefulVerifier, Totp, VerifierConfig, VerifyOutcome
    from otpcore_ffi import export_migration, import_migration

    # An authenticator's screen: the code as apps show it, and the seconds left.
    totp = Totp(Secret.from_bytes(b"12345678901234567890"))
    shown = totp.display_at(1_700_000_000)
    label = f"{shown.grouped}  {shown.window.remaining} s"  # "ddd ddd  10 s"

    # Moving to Google Authenticator: one QR code per ten accounts, as the app makes them.
    accounts = [KeyUri.totp(Secret.generate(Algorithm.SHA1), "ACME Co", f"user{i}@example.com") for i in range(12)]
    batches = export_migration(accounts)
    pictures = [batch.qr_svg() for batch in batches]  # show them one after another
    assert [a for b in batches for a in import_migration(b.uri()).accounts] == accounts

    # A phone whose clock runs 4 minutes fast: two consecutive codes re-centre the drift.
    verifier = StatefulVerifier(VerifierConfig(totp_resync_window=10))
    now = 1_700_000_000
    first, second = totp.generate_at(now + 210), totp.generate_at(now + 240)
    outcome = verifier.resync_totp("alice:totp", totp, first, second, now)
    assert outcome == VerifyOutcome.ACCEPTED(step=now // 30 + 8, offset=8)
    # --- end app example ---
    assert re.fullmatch(r"\d{3} \d{3}  10 s", label) and len(pictures) == 2


ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
EXAMPLES = {
    "kotlin": ("bindings/kotlin/src/test/kotlin/otpcore/AuthenticatorTest.kt", "//"),
    "swift": ("bindings/swift/Tests/OtpcoreTests/AuthenticatorTests.swift", "//"),
    "python": ("bindings/python/test_authenticator.py", "#"),
}


@pytest.mark.parametrize("language", sorted(EXAMPLES))
def test_app_examples_in_the_guide_are_the_tested_ones(language):
    """bindings/README.md's section "Showing codes, exporting, resynchronising" shows
    exactly the marked blocks the three suites run."""
    path, comment = EXAMPLES[language]
    lines = (ROOT / path).read_text().splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip().startswith(f"{comment} --- app example"))
    end = next(i for i, l in enumerate(lines) if l.strip() == f"{comment} --- end app example ---")
    tested = textwrap.dedent("\n".join(lines[start + 1 : end])).strip("\n")
    guide = (ROOT / "bindings" / "README.md").read_text()
    section = guide.split("## Showing codes, exporting, resynchronising", 1)[1].split("\n## ", 1)[0]
    shown = re.search(rf"^```{language}\n(.*?)^```$", section, re.S | re.M)
    assert shown, f"the section has a {language} block"
    assert shown.group(1).strip("\n") == tested
