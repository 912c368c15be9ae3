"""RFC 4226 Appendix D and RFC 6238 Appendix B, from testdata, through the bindings."""

import pytest

from conftest import load_vectors
from otpcore_ffi import (
    Algorithm,
    Hotp,
    HotpConfig,
    Match,
    Secret,
    Totp,
    TotpConfig,
    Window,
)

RFC4226 = load_vectors("rfc4226.json")
RFC6238 = load_vectors("rfc6238.json")


@pytest.mark.parametrize("v", RFC4226["vectors"], ids=lambda v: f"counter={v['counter']}")
def test_rfc4226(v):
    secret = Secret.from_bytes(bytes.fromhex(RFC4226["secret_hex"]))
    assert secret == Secret.from_base32(RFC4226["secret_base32"])
    config = HotpConfig(algorithm=Algorithm[RFC4226["algorithm"]], digits=RFC4226["digits"])
    hotp = Hotp.with_config(secret, config)
    assert hotp.generate(v["counter"]) == v["code"]
    m = hotp.verify(v["code"], v["counter"], Window(behind=0, ahead=0))
    assert m == Match(step=v["counter"], offset=0)


@pytest.mark.parametrize(
    "v", RFC6238["vectors"], ids=lambda v: f"{v['algorithm']}/t={v['time']}"
)
def test_rfc6238(v):
    secret = Secret.from_bytes(bytes.fromhex(v["secret_hex"]))
    assert secret == Secret.from_base32(v["secret_base32"])
    config = TotpConfig(
        algorithm=Algorithm[v["algorithm"]],
        digits=RFC6238["digits"],
        period=RFC6238["period"],
        t0=RFC6238["t0"],
    )
    totp = Totp.with_config(secret, config)
    assert totp.step_at(v["time"]) == v["step"]
    assert totp.generate_at(v["time"]) == v["code"]
    assert totp.verify_at(v["code"], v["time"]) == Match(step=v["step"], offset=0)
    # One period later the same code is still accepted, one step behind.
    later = v["time"] + RFC6238["period"]
    assert totp.verify_at(v["code"], later) == Match(step=v["step"], offset=-1)
