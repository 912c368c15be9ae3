"""testdata/uri-corpus.json: otpauth URIs as real services and apps emit them
(Microsoft 365, GitHub, Discord, Steam exports, ...), each with its source. Every
accepted case must give the expected fields, canonical text and code; every refused
one InvalidUri with otpcore's message. The Rust, Kotlin and Swift suites read the
same file."""

import pytest
from conftest import load_vectors
from otpcore_ffi import Algorithm, KeyUri, OtpError, OtpKind, Secret

CASES = load_vectors("uri-corpus.json")["cases"]
ALGORITHMS = {Algorithm.SHA1: "SHA1", Algorithm.SHA256: "SHA256", Algorithm.SHA512: "SHA512"}


def fields(uri):
    kind = uri.kind()
    if isinstance(kind, OtpKind.TOTP):
        name, period, counter = "totp", kind.period, None
    elif isinstance(kind, OtpKind.HOTP):
        name, period, counter = "hotp", None, kind.counter
    else:
        assert isinstance(kind, OtpKind.STEAM)
        name, period, counter = "steam", 30, None
    return {
        "type": name,
        "issuer": uri.issuer(),
        "label_issuer": uri.label_issuer(),
        "account": uri.account(),
        "secret_base32": uri.secret().expose_base32(),
        "algorithm": ALGORITHMS[uri.algorithm()],
        "digits": 5 if name == "steam" else uri.digits(),
        "period": period,
        "counter": counter,
        "image": uri.image(),
        "canonical": uri.to_uri_string(),
    }


def code(uri, want):
    if uri.to_steam() is not None:
        return uri.to_steam().generate_at(want["time"])
    if uri.to_hotp() is not None:
        return uri.to_hotp().generate(want["counter"])
    return uri.to_totp().generate_at(want["time"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_uri_corpus(case):
    assert case["source"]
    if "expect" in case:
        uri = KeyUri.parse(case["uri"], allow_short_secret=case["allow_short_secret"])
        assert fields(uri) == case["expect"]
        assert code(uri, case["code"]) == case["code"]["code"]
        again = KeyUri.parse(uri.to_uri_string(), allow_short_secret=case["allow_short_secret"])
        assert again == uri
    else:
        with pytest.raises(OtpError.InvalidUri) as e:
            KeyUri.parse(case["uri"], allow_short_secret=case["allow_short_secret"])
        assert str(e.value) == case["message"]


def test_short_secret_opt_in_and_builders():
    microsoft = [c for c in CASES if c["name"] == "microsoft-365-tenant-label"][0]["uri"]
    with pytest.raises(OtpError.InvalidUri):
        KeyUri.parse(microsoft)
    assert KeyUri.parse(microsoft, True).label_issuer() == "Some Company"
    secret = Secret.from_bytes(b"12345678901234567890")
    steam = KeyUri.steam(secret, "Steam", "alice").with_image("https://example.com/a.png")
    again = KeyUri.parse(steam.to_uri_string())
    assert again == steam and again.kind() == OtpKind.STEAM()
    assert again.image() == "https://example.com/a.png"
    assert again.to_steam().generate_at(59) == "PV9M4" and again.to_totp() is None
