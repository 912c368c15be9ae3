"""Google Authenticator export vectors for tests/migration.rs, made and checked with
the official `protobuf` Python package (an encoder/decoder independent of prost).

    python testdata/migration.py generate > testdata/migration.json
    python testdata/migration.py check testdata/migration.json

`generate` builds payloads with protobuf; `check` (run by scripts/test-enroll.sh)
decodes every committed URI with protobuf and confirms the expected accounts, so
the public samples and the generated ones are both verified independently of
otpcore. The message schema is declared at run time: no protoc needed.
"""

import base64
import json
import sys
import urllib.parse

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def payload_class():
    f = descriptor_pb2.FileDescriptorProto(name="google_auth.proto", package="", syntax="proto3")
    m = f.message_type.add(name="MigrationPayload")
    for name, values in [
        ("Algorithm", ["ALGORITHM_UNSPECIFIED", "SHA1", "SHA256", "SHA512", "MD5"]),
        ("DigitCount", ["DIGIT_COUNT_UNSPECIFIED", "SIX", "EIGHT"]),
        ("OtpType", ["OTP_TYPE_UNSPECIFIED", "HOTP", "TOTP"]),
    ]:
        e = m.enum_type.add(name=name)
        for number, value in enumerate(values):
            e.value.add(name=value, number=number)
    T = descriptor_pb2.FieldDescriptorProto
    p = m.nested_type.add(name="OtpParameters")
    for number, (name, kind, enum) in enumerate(
        [
            ("secret", T.TYPE_BYTES, None),
            ("name", T.TYPE_STRING, None),
            ("issuer", T.TYPE_STRING, None),
            ("algorithm", T.TYPE_ENUM, ".MigrationPayload.Algorithm"),
            ("digits", T.TYPE_ENUM, ".MigrationPayload.DigitCount"),
            ("type", T.TYPE_ENUM, ".MigrationPayload.OtpType"),
            ("counter", T.TYPE_INT64, None),
        ],
        start=1,
    ):
        field = p.field.add(name=name, number=number, type=kind, label=T.LABEL_OPTIONAL)
        if enum:
            field.type_name = enum
    m.field.add(
        name="otp_parameters", number=1, type=T.TYPE_MESSAGE, label=T.LABEL_REPEATED,
        type_name=".MigrationPayload.OtpParameters",
    )
    for number, name in enumerate(["version", "batch_size", "batch_index", "batch_id"], start=2):
        m.field.add(name=name, number=number, type=T.TYPE_INT32, label=T.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("MigrationPayload"))


Payload = payload_class()


def uri_of(payload, quote=True):
    data = base64.b64encode(payload.SerializeToString()).decode()
    return "otpauth-migration://offline?data=" + (urllib.parse.quote(data, safe="") if quote else data)


def b32(secret):
    return base64.b32encode(secret).decode().rstrip("=")


def expected_accounts(payload):
    """What otpcore must import, by the mapping documented on `Migration`."""
    out = []
    for p in payload.otp_parameters:
        issuer, name = p.issuer, p.name
        if ":" in name:
            prefix, rest = name.split(":", 1)
            if not issuer or prefix == issuer:
                issuer, name = prefix, rest
        if issuer:
            name = name.lstrip(" ")
        out.append(
            {
                "type": {1: "hotp", 2: "totp"}[p.type],
                "issuer": issuer or None,
                "account": name,
                "secret_base32": b32(p.secret),
                "algorithm": {0: "SHA1", 1: "SHA1", 2: "SHA256", 3: "SHA512"}[p.algorithm],
                "digits": {0: 6, 1: 6, 2: 8}[p.digits],
                "counter": p.counter if p.type == 1 else None,
            }
        )
    return out


def batch(payload):
    return {k: getattr(payload, k) for k in ["version", "batch_size", "batch_index", "batch_id"]}


def decode(uri):
    query = uri.split("?", 1)[1]
    data = urllib.parse.unquote(query.split("data=", 1)[1].split("&")[0])
    data = data.replace(" ", "+")
    return Payload.FromString(base64.b64decode(data + "=" * (-len(data) % 4)))


# Public samples: the example exports of the extract_otp_secrets project (its
# example_export.txt and test_plus_problem_export.txt), where the first five were
# made by Google Authenticator from the otpauth URIs noted beside them.
SAMPLES = [
    "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B",
    "otpauth-migration://offline?data=CigKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpIAEoATACEAEYASAAKLzjp5n4%2F%2F%2F%2F%2FwE%3D",
    "otpauth-migration://offline?data=CigKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpIAEoATACCjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACiQ7OOa%2Bf%2F%2F%2F%2F8B",
    "otpauth-migration://offline?data=CiUKEPqlBekzoNEukL7qlsjBCDYSCWhvdHAgZGVtbyABKAEwATgEEAEYASAAKNuv15j6%2F%2F%2F%2F%2FwE%3D",
    "otpauth-migration://offline?data=CjYKEPqlBekzoNEukL7qlsjBCDYSHGVuY29kaW5nOiDCv8Okw4TDqcOJPyAoZGVtbykgASgBMAIQARgBIAAorfCurv%2F%2F%2F%2F%2F%2FAQ%3D%3D",
    # Raw (not percent-encoded) `+` and `/`, four 20-byte secrets.
    "otpauth-migration://offline?data=ClEKFAciUeGF4aS6IDCvMv99ySZ1ekKsEiVTZXJlbml0eUxhYnM6dGVzdDFAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIKUQoUkIY8/fbrHZWTb4CBln18lvqt0HcSJVNlcmVuaXR5TGFiczp0ZXN0MkBzZXJlbml0eWxhYnMuY28udWsaDFNlcmVuaXR5TGFicyABKAEwAgpRChScf+1/Ua4d4gCY0W/7fj9VBkM9PBIlU2VyZW5pdHlMYWJzOnRlc3QzQHNlcmVuaXR5bGFicy5jby51axoMU2VyZW5pdHlMYWJzIAEoATACClEKFG6Qu0ryTSFA/l5rmvTIXtNeb5LtEiVTZXJlbml0eUxhYnM6dGVzdDRAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIQARgBIAAogtTa1vz/////AQ==",
]


def P(secret, name, issuer="", algorithm=1, digits=1, type=2, counter=0):
    return dict(secret=secret, name=name, issuer=issuer, algorithm=algorithm, digits=digits, type=type, counter=counter)


def generated():
    """Payloads made here: every algorithm, both digit counts, HOTP, legacy
    80-bit secrets, unicode names, batch fields."""
    cases = [
        [P(b"12345678901234567890", "alice@example.com", "Example")],
        [
            P(bytes(range(32)), "sha256@example.com", "Example", algorithm=2, digits=2),
            P(bytes(range(64)), "sha512", "Example", algorithm=3, digits=2),
            P(b"\x00" * 10, "Legacy:80-bit", "Legacy"),  # 10 bytes: must import
            P(bytes(range(100, 120)), "counter", "HOTP Co", type=1, counter=2**40),
            P(bytes(range(16)), "jörg+2fa@bücher.de", "Bücher & Söhne"),
            P(bytes(range(16)), "unspecified", algorithm=0, digits=0),
        ],
    ]
    out = []
    for i, accounts in enumerate(cases):
        payload = Payload(version=1, batch_size=len(cases), batch_index=i, batch_id=-1_234_567_890)
        for a in accounts:
            payload.otp_parameters.add(**a)
        out.append(payload)
    return out


def errors():
    """Payloads otpcore must refuse, with the error it must give."""
    def one(**kw):
        payload = Payload(version=1, batch_size=1)
        payload.otp_parameters.add(**P(bytes(range(20)), "bob", "Acme"))
        payload.otp_parameters.add(**{**P(bytes(range(20)), "eve", "Acme"), **kw})
        return uri_of(payload)

    return [
        (one(algorithm=4), "Account 1 UnsupportedAlgorithm"),
        (one(digits=3), "Account 1 UnsupportedDigits"),
        (one(type=0), "Account 1 UnsupportedType"),
        (one(type=1, counter=-1), "Account 1 NegativeCounter"),
        (one(secret=b"short"), "Account 1 Secret"),
        (one(secret=b""), "Account 1 Secret"),
        (one(name=""), "Account 1 Label"),
        (one(issuer="A:B"), "Account 1 Label"),
        ("otpauth-migration://offline?data=not*base64", "BadBase64"),
        ("otpauth-migration://offline?data=" + base64.b64encode(b"\x0a\x05\x0a").decode(), "BadPayload"),
        ("otpauth-migration://offline?data=%ZZ", "BadEncoding"),
        ("otpauth-migration://offline?data=AA&data=AA", "DuplicateData"),
        ("otpauth-migration://offline?foo=bar", "MissingData"),
        ("otpauth://totp/x?secret=AAAA", "NotMigrationUri"),
    ]


def generate():
    vectors = []
    for uri in SAMPLES:
        payload = decode(uri)
        vectors.append({"source": "extract_otp_secrets sample", "uri": uri, **batch(payload), "accounts": expected_accounts(payload)})
    for payload in generated():
        for quote in (True, False):
            vectors.append({"source": "protobuf", "uri": uri_of(payload, quote), **batch(payload), "accounts": expected_accounts(payload)})
    bad = [{"uri": uri, "error": error} for uri, error in errors()]
    from importlib.metadata import version

    json.dump({"encoder": f"protobuf {version('protobuf')}", "valid": vectors, "invalid": bad}, sys.stdout, indent=1, ensure_ascii=False)
    print()


def check(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for v in data["valid"]:
        payload = decode(v["uri"])
        assert expected_accounts(payload) == v["accounts"], v["uri"]
        assert batch(payload) == {k: v[k] for k in batch(payload)}, v["uri"]
    print(f"migration.py: {len(data['valid'])} valid vectors agree with protobuf")


if __name__ == "__main__":
    {"generate": lambda: generate(), "check": lambda: check(sys.argv[2])}[sys.argv[1]]()
