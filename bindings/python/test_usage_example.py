"""The Python usage example, run so that it cannot rot. Keep it in sync with bindings/README.md."""

import threading

from otpcore_ffi import Algorithm, KeyUri, OtpKind, Secret, Totp


def test_enrol_then_verify():
    # --- usage example (bindings/README.md, in Python) ---
    from otpcore_ffi import Algorithm, KeyUri, Secret, StatefulVerifier, Totp, VerifyOutcome

    # Enrollment: a fresh secret and the otpauth:// URI to show as a QR code.
    secret = Secret.generate(Algorithm.SHA1)
    provisioning = KeyUri.totp(secret, "ACME Co", "alice@example.com").to_uri_string()
    # Keep secret.expose_base32() encrypted at rest; never log it.

    # Login: one verifier per process, shared by every thread.
    verifier = StatefulVerifier()
    totp = Totp(secret)
    now = 1_700_000_000  # or verify_totp_now(...) on the server's clock
    typed = totp.generate_at(now)  # what the user's app shows
    outcome = verifier.verify_totp("alice:totp", totp, typed, now)
    if isinstance(outcome, VerifyOutcome.ACCEPTED):
        message = f"welcome (clock off by {outcome.offset} steps)"
    elif isinstance(outcome, VerifyOutcome.THROTTLED):
        message = f"too many attempts; retry in {outcome.retry_after_secs} s"
    else:
        message = "wrong code"
    # The same code again is a replay, whichever thread sends it.
    assert verifier.verify_totp("alice:totp", totp, typed, now + 5) == VerifyOutcome.REPLAYED()
    del secret  # the key is wiped once the last reference is gone
    # --- end usage example ---

    assert provisioning.startswith("otpauth://totp/ACME%20Co:alice%40example.com?secret=")
    assert outcome == VerifyOutcome.ACCEPTED(step=now // 30, offset=0)
    assert message == "welcome (clock off by 0 steps)"


def test_scanned_uri_on_the_device_clock():
    qr = (
        KeyUri.totp(Secret.generate(Algorithm.SHA256), "ACME Co", "alice@example.com")
        .with_algorithm(Algorithm.SHA256)
        .to_uri_string()
    )
    app = KeyUri.parse(qr).to_totp()
    code = app.generate_now()
    assert len(code) == 6
    # Generated a moment ago: still inside the default ±1 window.
    assert app.verify_now(code).offset in (-1, 0)


def test_uri_round_trip():
    secret = Secret.from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    uri = (
        KeyUri.totp(secret, "ACME Co", "alice@example.com")
        .with_digits(8)
        .with_algorithm(Algorithm.SHA256)
    )
    parsed = KeyUri.parse(uri.to_uri_string())
    assert parsed == uri
    assert parsed.issuer() == "ACME Co"
    assert parsed.account() == "alice@example.com"
    assert parsed.kind() == OtpKind.TOTP(period=30)
    assert parsed.digits() == 8
    assert parsed.secret() == secret

    hotp = KeyUri.hotp(secret, None, "bob", 7)
    assert KeyUri.parse(hotp.to_uri_string()).kind() == OtpKind.HOTP(counter=7)
    assert hotp.to_totp() is None


def test_shared_totp_across_threads():
    totp = Totp(Secret.from_bytes(b"12345678901234567890"))
    results = [None] * 64

    def work(i):
        at = 59 + 30 * i
        results[i] = totp.verify_at(totp.generate_at(at), at).step

    threads = [threading.Thread(target=work, args=(i,)) for i in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [1 + i for i in range(64)]
