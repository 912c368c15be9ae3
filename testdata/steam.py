"""Regenerates steam.json with pyotp's independent Steam implementation.

    /var/cache/otpcore/venv/bin/python testdata/steam.py > testdata/steam.json

tests/steam.rs checks otpcore against the file; scripts/test-enroll.sh also runs
this script and diffs its output with the committed file, so the vectors are
re-derived from pyotp on every run rather than trusted.
"""

import base64
import json
from importlib.metadata import version

from pyotp.contrib import Steam

SECRETS = [
    b"12345678901234567890",  # RFC 4226/6238 SHA-1 seed
    bytes(range(1, 21)),
    b"steam-shared-secret!",
    bytes(range(200, 214)),  # 112 bits: the shortest pyotp 2.12 accepts
    bytes(range(32)),
]
TIMES = [0, 29, 30, 59, 1111111109, 1234567890, 1700000000, 2000000000, 20000000000]

vectors = []
for secret in SECRETS:
    b32 = base64.b32encode(secret).decode().rstrip("=")
    steam = Steam(b32)
    for t in TIMES:
        vectors.append(
            {
                "secret_hex": secret.hex(),
                "time": t,
                "step": t // 30,
                "code": steam.at(t),
            }
        )

print(
    json.dumps(
        {"source": f"pyotp {version('pyotp')} pyotp.contrib.Steam", "vectors": vectors},
        indent=1,
    )
)
