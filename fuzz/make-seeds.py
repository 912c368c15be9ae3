#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from the shared RFC vectors
(testdata/*.json) and real-world otpauth URIs. Deterministic; re-run after
changing a target's input layout. Usage: python3 fuzz/make-seeds.py"""
import hashlib
import json
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "testdata"
RFC4226 = json.loads((DATA / "rfc4226.json").read_text())
RFC6238 = json.loads((DATA / "rfc6238.json").read_text())
ALGS = {"SHA1": 0, "SHA256": 1, "SHA512": 2}


def write(target, items):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    for item in items:
        data = item.encode() if isinstance(item, str) else item
        (d / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


secrets = [RFC4226["secret_base32"]] + [v["secret_base32"] for v in RFC6238["vectors"]]
secrets = list(dict.fromkeys(secrets))
base32 = secrets + [
    "JBSWY3DPEHPK3PXP",  # Google's example (80 bits)
    "jbsw y3dp ehpk 3pxp",
    "JBSW-Y3DP-EHPK-3PXP",
    "JBSWY3DPEHPK3PXP======",
    "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ",
    "gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====",
    "",
    "A",
    "JBSWY3DPEHPK3PX1",
]
write("base32", base32)

codes = []
for v in RFC4226["vectors"]:
    codes.append(b"\x00" + v["code"].encode())
    codes.append(b"\x00" + (v["code"][:3] + " " + v["code"][3:]).encode())
for v in RFC6238["vectors"]:
    codes.append(b"\x02" + v["code"].encode())
    codes.append(b"\x02" + (v["code"][:4] + "-" + v["code"][4:]).encode())
codes += [b"\x00000001", b"\x04" + b"2147483647", b"\x00" + "７11725".encode(), b"\x00711  725"]
write("code", codes)

uris = [
    # The Key Uri Format wiki's examples.
    "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
    "otpauth://hotp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&counter=0",
    # Shapes seen in real QR codes: '+' spaces, lower case, padding, spaced secret,
    # label-only issuer, image parameter, SHA-256/512, 8 digits, 60 s.
    "otpauth://totp/GitHub:octocat?secret=jbswy3dpehpk3pxp&issuer=GitHub",
    "otpauth://totp/Big+Corp:alice?secret=JBSWY3DPEHPK3PXP%3D%3D%3D%3D&issuer=Big+Corp",
    "OTPAUTH://TOTP/alice@example.com?secret=JBSW%20Y3DP%20EHPK%203PXP",
    "otpauth://totp/Acme:%20bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&period=60",
    "otpauth://totp/bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=sha512&image=https%3A%2F%2Fexample.com%2Flogo.png",
    "otpauth://hotp/Acme:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=18446744073709551615&digits=10",
    "otpauth://totp/Acme%3Adave?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme",
]
for v in RFC6238["vectors"][:3]:
    uris.append(
        f"otpauth://totp/RFC6238:{v['algorithm']}?secret={v['secret_base32']}"
        f"&issuer=RFC6238&algorithm={v['algorithm']}&digits=8&period=30"
    )
# The conformance corpus: what Microsoft, GitHub, Steam apps and others emit.
CORPUS = json.loads((DATA / "uri-corpus.json").read_text())
uris += [c["uri"] for c in CORPUS["cases"]]
uris += ["otpauth://steam/Steam:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Steam",
         "steam://GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"]
write("uri", uris)


def u64(n):
    return struct.pack("<Q", n)


def verify_seed(secret, alg, digits, period, t0, at, behind, ahead, last_used, hotp, code):
    """The byte layout `arbitrary` 1.x reads `Input` (fuzz_targets/verify.rs) from:
    fields in order, integers little-endian, bools as one byte, the secret's length
    as the last byte, and the code as the rest."""
    out = bytes(secret) + bytes([ALGS[alg]]) + struct.pack("<I", digits)
    out += u64(period) + u64(t0) + u64(at) + u64(behind) + u64(ahead) + b"\x01"
    out += b"\x01" + u64(last_used) if last_used is not None else b"\x00"
    out += b"\x01" if hotp else b"\x00"
    out += code.encode()
    assert len(out) + 1 <= 256 and len(secret) < 256
    return out + bytes([len(secret)])


seeds = []
key = bytes.fromhex(RFC4226["secret_hex"])
for v in RFC4226["vectors"]:
    seeds.append(verify_seed(key, "SHA1", 6, 30, 0, v["counter"], 0, 3, None, True, v["code"]))
for v in RFC6238["vectors"]:
    k = bytes.fromhex(v["secret_hex"])
    seeds.append(verify_seed(k, v["algorithm"], 8, 30, 0, v["time"], 1, 1, None, False, v["code"]))
    seeds.append(verify_seed(k, v["algorithm"], 8, 30, 0, v["time"], 1, 1, v["step"], False, v["code"]))
write("verify", seeds)

cli = [
    "generate\0--secret\0GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\0--time\x0059\0--digits\x008",
    "generate\0--secret\0JBSWY3DPEHPK3PXP\0--allow-short-secret\0--counter\x001",
    "verify\0--secret\0GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\0--time\x0059\0--digits\x008\0--code\x0094287082",
    "verify\0--secret\0GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\0--counter\x000\0--code\0755 224\0--behind\x000\0--ahead\x005\0--last-used\x001",
    "uri\0build\0--secret\0GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\0--issuer\0ACME Co\0--account\0alice@example.com\0--algorithm\0sha256",
    "uri\0parse\0" + uris[1],
    "uri\0parse\0--allow-short-secret\0" + uris[0],
    "generate\0--secret\0GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\0--digits\0GEZDGNBVGY3TQOJQ",
]
write("cli", cli)
