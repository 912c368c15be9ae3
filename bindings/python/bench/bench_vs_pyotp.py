"""otpcore's Python package against pyotp, in one run: generate, verify ±1 with the
right code, verify ±1 with a wrong code. A benchmark, not a test.

    scripts/bench-python.sh [--calls N] [--repeats R]   # builds and installs the wheel first

Each repetition times N calls of every case for otpcore and for pyotp, alternating
(otpcore, pyotp, otpcore, …) so that a load change on a shared machine hits both;
the table shows the median per-call time over R repetitions and pyotp / otpcore.
"""

import argparse
import base64
import importlib.metadata
import os
import platform
import statistics
import time

import pyotp

import otpcore_ffi
from otpcore_ffi import OtpError, Secret, Totp

SEED = b"12345678901234567890"
AT = 1_700_000_000


def cases():
    """(name, otpcore call, pyotp call) for each measured operation."""
    ours = Totp(Secret.from_bytes(SEED))
    theirs = pyotp.TOTP(base64.b32encode(SEED).decode())
    right = ours.generate_at(AT)
    assert right == theirs.at(AT)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert wrong not in {ours.generate_at(AT + d) for d in (-30, 0, 30)}

    def ours_wrong():
        try:
            ours.verify_at(wrong, AT)
        except OtpError.Mismatch:
            pass
        else:
            raise AssertionError("accepted a wrong code")

    def theirs_wrong():
        assert not theirs.verify(wrong, for_time=AT, valid_window=1)

    def ours_right():
        ours.verify_at(right, AT)

    def theirs_right():
        assert theirs.verify(right, for_time=AT, valid_window=1)

    return [
        ("generate", lambda: ours.generate_at(AT), lambda: theirs.at(AT)),
        ("verify ±1, right code", ours_right, theirs_right),
        ("verify ±1, wrong code", ours_wrong, theirs_wrong),
    ]


def per_call(fn, calls):
    start = time.perf_counter_ns()
    for _ in range(calls):
        fn()
    return (time.perf_counter_ns() - start) / calls / 1000  # µs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    info = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    cpu = f"{info.get('model name', '?')} (family {info.get('cpu family', '?')} model {info.get('model', '?')})"
    print(f"CPU: {cpu}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"CPython {platform.python_version()}; pyotp {importlib.metadata.version('pyotp')}; "
          f"otpcore {importlib.metadata.version('otpcore')} (release wheel)")
    print(f"otpcore_ffi from {otpcore_ffi.__file__}")
    print(f"median of {args.repeats} x {args.calls:,} calls, otpcore and pyotp alternating\n")
    print("| call | otpcore | pyotp | pyotp / otpcore |")
    print("|---|---:|---:|---:|")
    for name, ours, theirs in cases():
        ours(), theirs()  # warm-up
        a, b = [], []
        for _ in range(args.repeats):
            a.append(per_call(ours, args.calls))
            b.append(per_call(theirs, args.calls))
        mine, ref = statistics.median(a), statistics.median(b)
        print(f"| {name} | {mine:.2f} µs | {ref:.2f} µs | {ref / mine:.1f}× |")


if __name__ == "__main__":
    main()
