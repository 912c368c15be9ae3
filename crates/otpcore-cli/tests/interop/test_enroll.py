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
import urllib.parse
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


def otpauth_uri(secret, hotp, algorithm, digits, issuer, name, counter):
    """An otpauth URI written here (pyotp's builder refuses 80-bit secrets)."""
    q = lambda s: urllib.parse.quote(s, safe="")  # noqa: E731
    label = f"{q(issuer)}:{q(name)}" if issuer else q(name)
    params = {"secret": migration.b32(secret), "algorithm": algorithm, "digits": digits}
    if issuer:
        params["issuer"] = issuer
    params["counter" if hotp else "period"] = counter if hotp else 30
    return f"otpauth://{'hotp' if hotp else 'totp'}/{label}?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def test_export_decodes_in_protobuf_and_reencodes_byte_for_byte():
    """`uri export-migration` output read by the official protobuf package: the
    accounts and batch fields are what went in, and protobuf's own encoding of
    what it decoded is our payload, byte for byte (with the zero batch_index
    written explicitly, as the app writes it)."""
    rng = random.Random(SEED)
    accounts = []
    for i in range(rng.randrange(1, 26)):
        secret = rng.randbytes(rng.choice([10, 16, 20, 32, 64]))  # 10: 80-bit, which pyotp refuses
        hotp = rng.random() < 0.3
        algorithm, digits = rng.choice(["SHA1", "SHA256", "SHA512"]), rng.choice([6, 8])
        issuer = rng.choice([None, "Acme", "Bücher & Söhne", "x y"])
        name = f"user{i}@example.com"
        counter = rng.randrange(0, 2**63) if hotp else None
        accounts.append((secret, hotp, algorithm, digits, issuer, name, counter))
    size = rng.randrange(1, 12)
    stdin = "".join(otpauth_uri(*a) + "\n" for a in accounts).encode()
    batches = otpcore("uri", "export-migration", "--batch-size", str(size), stdin=stdin).decode().splitlines()
    assert len(batches) == -(-len(accounts) // size)
    payloads = [migration.decode(uri) for uri in batches]
    assert len({p.batch_id for p in payloads}) == 1
    decoded = []
    for index, (uri, payload) in enumerate(zip(batches, payloads)):
        assert (payload.version, payload.batch_size, payload.batch_index) == (1, len(batches), index)
        # protobuf (proto3) omits a zero batch_index; the export writes it, as
        # Google Authenticator does (its sample in testdata/migration.json).
        head = migration.Payload(otp_parameters=payload.otp_parameters, version=payload.version,
                                 batch_size=payload.batch_size).SerializeToString()
        index_field = migration.Payload(batch_index=index).SerializeToString() or b"\x20\x00"
        tail = migration.Payload(batch_id=payload.batch_id).SerializeToString()
        ours = base64.b64decode(urllib.parse.unquote(uri.split("data=", 1)[1]))
        assert ours == head + index_field + tail, (SEED, index)
        decoded.extend(payload.otp_parameters)
    assert len(decoded) == len(accounts)
    for p, (secret, hotp, algorithm, digits, issuer, name, counter) in zip(decoded, accounts):
        assert p.secret == secret
        assert (p.name, p.issuer) == (name, issuer or "")
        assert p.algorithm == ["SHA1", "SHA256", "SHA512"].index(algorithm) + 1
        assert p.digits == {6: 1, 8: 2}[digits]
        assert p.type == (1 if hotp else 2)
        assert p.counter == (counter if hotp else 0)


def test_protobuf_export_survives_import_then_export():
    """A payload encoded by protobuf, imported by the CLI and exported again,
    decodes in protobuf to the same accounts."""
    rng = random.Random(SEED + 1)
    payload = migration.Payload(version=1, batch_size=1, batch_index=0, batch_id=rng.randrange(-2**31, 2**31))
    for i in range(7):
        payload.otp_parameters.add(secret=rng.randbytes(rng.choice([10, 20, 32])), name=f"n{i}", issuer=rng.choice(["", "Acme"]),
                                   algorithm=rng.choice([1, 2, 3]), digits=rng.choice([1, 2]), type=rng.choice([1, 2]),
                                   counter=0)
    for p in payload.otp_parameters:
        if p.type == 1:
            p.counter = rng.randrange(0, 2**40)
    lines = otpcore("uri", "import-migration", "-", stdin=migration.uri_of(payload).encode())
    again = otpcore("uri", "export-migration", stdin=lines).decode().splitlines()
    assert len(again) == 1
    back = migration.decode(again[0])
    assert list(back.otp_parameters) == list(payload.otp_parameters)
