"""Enrollment from Python: QR codes (decoded by zxing-cpp), Google Authenticator
export import (the shared vectors in testdata/migration.json) and Steam Guard
codes (testdata/steam.json, and pyotp's Steam live)."""

import base64
import io
import random

import pytest
import zxingcpp
from PIL import Image
from pyotp.contrib import Steam as PyotpSteam

from conftest import load_vectors
from otpcore_ffi import (
    KeyUri,
    OtpError,
    OtpKind,
    Secret,
    SecretPolicy,
    Steam,
    Window,
    import_migration,
)

DEMO = (
    "otpauth://totp/Example:alice%40example.com?secret=DEMODEMODEMODEMODEMODEMODEMODEMO"
    "&issuer=Example&algorithm=SHA1&digits=6&period=30"
)


@pytest.mark.parametrize("scale", [2, 8])
def test_qr_png_decodes_to_the_uri(scale):
    uri = KeyUri.parse(DEMO)
    png = uri.qr_png(scale)
    assert png.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(png))
    assert image.size[0] == (49 + 8) * scale  # version 8 plus the quiet zone
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [DEMO]


def test_qr_svg_and_errors():
    uri = KeyUri.parse(DEMO)
    svg = uri.qr_svg()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and 'viewBox="0 0 57 57"' in svg
    with pytest.raises(OtpError.InvalidQrScale):
        uri.qr_png(0)
    long = KeyUri.totp(Secret.from_bytes(bytes(20)), "X", "a" * 2400)
    with pytest.raises(OtpError.QrTooLong):
        long.qr_svg()


def test_import_migration_vectors():
    data = load_vectors("migration.json")
    for v in data["valid"]:
        batch = import_migration(v["uri"])
        assert (batch.version, batch.batch_size, batch.batch_index, batch.batch_id) == (
            v["version"], v["batch_size"], v["batch_index"], v["batch_id"])
        assert len(batch.accounts) == len(v["accounts"])
        for got, want in zip(batch.accounts, v["accounts"]):
            assert got.account() == want["account"]
            assert got.issuer() == want["issuer"]
            assert got.secret().expose_base32() == want["secret_base32"]
            assert got.digits() == want["digits"]
            assert got.algorithm().name == want["algorithm"]
            kind = OtpKind.TOTP(period=30) if want["type"] == "totp" else OtpKind.HOTP(counter=want["counter"])
            assert got.kind() == kind
            assert KeyUri.parse_with_policy(got.to_uri_string(), SecretPolicy.LEGACY) == got
    for v in data["invalid"]:
        with pytest.raises(OtpError.InvalidMigration) as caught:
            import_migration(v["uri"])
        assert "eve" not in str(caught.value) and "Acme" not in str(caught.value)


def test_steam_vectors_and_pyotp():
    for v in load_vectors("steam.json")["vectors"]:
        steam = Steam(Secret.from_bytes_with_policy(bytes.fromhex(v["secret_hex"]), SecretPolicy.LEGACY))
        assert steam.generate_at(v["time"]) == v["code"]
        match = steam.verify_at(v["code"].lower(), v["time"] + 30)
        assert (match.step, match.offset) == (v["step"], -1)
    rng = random.Random()
    for _ in range(20):
        raw = rng.randbytes(20)
        steam, oracle = Steam(Secret.from_bytes(raw)), PyotpSteam(base64.b32encode(raw).decode())
        at = rng.randrange(2**32)
        assert steam.generate_at(at) == oracle.at(at), at


def test_steam_errors():
    steam = Steam(Secret.from_bytes(b"12345678901234567890"))
    with pytest.raises(OtpError.MalformedCode):
        steam.verify_at("287082", 59)
    with pytest.raises(OtpError.Mismatch):
        steam.verify_at("22222", 59, Window(behind=0, ahead=0))
    with pytest.raises(OtpError.Replayed):
        steam.verify_at("PV9M4", 59, last_used=1)
    assert repr(steam).count("Steam") == 1 and "1234" not in repr(steam)
