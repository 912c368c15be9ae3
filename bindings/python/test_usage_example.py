"""The Python usage example, run so that it cannot rot. Keep it in sync with the README."""

import threading

from otpcore_ffi import Algorithm, KeyUri, OtpKind, Secret, Totp


def test_enrol_then_verify():
    # --- usage example (the README's Quickstart, in Python) ---
    from otpcore_ffi import Algorithm, KeyUri, OtpError, Secret, Totp

    # 1. Enrollment: a fresh secret and the otpauth:// URI to show as a QR code.
    secret = Secret.generate(Algorithm.SHA1)
    provisioning = KeyUri.totp(secret, "ACME Co", "alice@example.com").to_uri_string()
    # Store secret.expose_base32() encrypted at rest, with last_used = None.

    # 2. Login: verify the code typed at unix time `now`, within ±1 step.
    totp = Totp(secret)
    now = 1_700_000_000
    typed = totp.generate_at(now)  # what the app shows
    last_used = None  # from your database
    match = totp.verify_at(typed, now, last_used=last_used)
    last_used = match.step  # persist atomically before granting access

    # 3. The same code again, even re-spaced, is a replay.
    respaced = f"{typed[:3]} {typed[3:]}"
    try:
        totp.verify_at(respaced, now + 5, last_used=last_used)
        raise AssertionError("a replay was accepted")
    except OtpError.Replayed:
        pass
    del secret  # the key is wiped once the last reference is gone
    # --- end usage example ---

    assert provisioning.startswith("otpauth://totp/ACME%20Co:alice%40example.com?secret=")
    assert (match.step, match.offset) == (now // 30, 0)


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
