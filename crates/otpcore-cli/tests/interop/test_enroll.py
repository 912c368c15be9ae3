"""Enrollment interop: the real `otpcore` CLI against independent implementations.

- Steam Guard codes against pyotp's `contrib.Steam`.
- Google Authenticator exports built with the official `protobuf` package, imported
  by the CLI, read back with pyotp's own otpauth URI parser.
- QR PNGs from the CLI decoded with zxing-cpp.

Run by scripts/test-enroll.sh (OTPCORE_BIN names the binary).
"""

import base64
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
import zxingcpp
from PIL import Image
from pyotp.contrib import Steam

ROOT = Path(__file__).resolve().parents[4]
DATA = ROOT / "testdata"
BIN = os.environ.get("OTPCORE_BIN", str(ROOT / "target" / "debug" / "otpcore"))
sys.path.insert(0, str(DATA))
import migration  # noqa: E402  (testdata/migration.py: the protobuf schema)

# scripts/test-enroll.sh picks and prints the seed; OTPCORE_SEED=N replays a run.
SEED = int(os.environ.get("OTPCORE_SEED", random.SystemRandom().randrange(2**32)))


def otpcore(*args, stdin=b""):
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, check=True).stdout


def test_committed_steam_vectors_are_pyotps():
    fresh = subprocess.run([sys.executable, str(DATA / "steam.py")], capture_output=True, check=True, text=True)
    assert json.loads(fresh.stdout) == json.loads((DATA / "steam.json").read_text())


def test_steam_cli_matches_pyotp_at_random_times():
    rng = random.Random(SEED)
    for _ in range(40):
        secret = base64.b32encode(rng.randbytes(rng.choice([16, 20, 32]))).decode().rstrip("=")
        at = rng.randrange(0, 2**33)
        expected = Steam(secret).at(at)
        got = otpcore("generate", "--steam", "--secret", "-", "--time", str(at), stdin=secret.encode())
        assert got.decode() == expected + "\n", (SEED, at)
        step = at // 30
        verified = otpcore("verify", "--steam", "--secret", secret, "--time", str(at + 30), "--code", expected.lower())
        assert verified.decode() == f"step={step} offset=-1\n"


def test_committed_migration_vectors_agree_with_protobuf():
    migration.check(DATA / "migration.json")


def test_import_of_fresh_protobuf_export_reads_back_in_pyotp():
    rng = random.Random(SEED)
    payload = migration.Payload(version=1, batch_size=1, batch_index=0, batch_id=rng.randrange(-2**31, 2**31))
    expected = []
    for i in range(12):
        secret = rng.randbytes(rng.choice([16, 20, 32, 64]))
        hotp = rng.random() < 0.3
        algorithm, digits = rng.choice([1, 2, 3]), rng.choice([1, 2])
        counter = rng.randrange(0, 2**40) if hotp else 0
        issuer = rng.choice(["", "Acme", "Bücher & Söhne", "x y"])
        name = f"user{i}@example.com"
        payload.otp_parameters.add(secret=secret, name=name, issuer=issuer, algorithm=algorithm,
                                   digits=digits, type=1 if hotp else 2, counter=counter)
        expected.append((secret, name, issuer or None, ["sha1", "sha256", "sha512"][algorithm - 1],
                         6 if digits == 1 else 8, counter if hotp else None))
    lines = otpcore("uri", "import-migration", "-", stdin=migration.uri_of(payload).encode()).decode().splitlines()
    assert len(lines) == len(expected)
    for line, (secret, name, issuer, algorithm, digits, counter) in zip(lines, expected):
        otp = pyotp.parse_uri(line)
        assert otp.byte_secret() == secret
        assert (otp.name, otp.issuer, otp.digest().name, otp.digits) == (name, issuer, algorithm, digits)
        if counter is None:
            assert isinstance(otp, pyotp.TOTP) and otp.interval == 30
        else:
            assert isinstance(otp, pyotp.HOTP) and otp.initial_count == counter
            # The imported credential generates the codes pyotp generates.
            code = otpcore("generate", "--secret", otp.secret, "--counter", str(counter),
                           "--algorithm", algorithm, "--digits", str(digits)).decode().strip()
            assert code == otp.at(0)  # pyotp counts from initial_count


@pytest.mark.parametrize("scale", [2, 6])
def test_qr_png_decodes_in_zxing(scale):
    rng = random.Random(SEED + scale)
    secret = base64.b32encode(rng.randbytes(20)).decode().rstrip("=")
    uri = otpcore("uri", "build", "--secret", secret, "--issuer", "Zürich & Co",
                  "--account", "alice+2fa@example.com").decode().strip()
    png = otpcore("uri", "qr", uri, "--png", "-", "--scale", str(scale))
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [r.text for r in results] == [uri]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert pyotp.parse_uri(results[0].text).secret == secret
