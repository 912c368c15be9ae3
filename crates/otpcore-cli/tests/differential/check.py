#!/usr/bin/env python3
"""Differential test: otpcore's CLI against two independent implementations,
pyotp (PyPI) and oathtool (Debian's oath-toolkit), over random cases.

Usage: check.py OTPCORE_BINARY [CASES] [SEED]
Each case draws an algorithm, digits, period, t0, secret length, and a time or counter;
otpcore must print the same code as pyotp (all cases) and as oathtool (where oathtool
supports the parameters: digits 6-8), and `otpcore verify` must accept that code at the
expected step and offset from a neighbouring time and reject it with --last-used.
"""
import base64
import random
import subprocess
import sys

import pyotp

ALGS = {"sha1": "sha1", "sha256": "sha256", "sha512": "sha512"}


def run(args, ok=(0,)):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit(f"FAIL: {args!r} exited {p.returncode}: {p.stderr.strip()}")
    return p.returncode, p.stdout.strip()


def main():
    binary = sys.argv[1]
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261125)
    compared_oath = 0
    for i in range(cases):
        alg = rng.choice(list(ALGS))
        digits = rng.randint(6, 10)
        key = bytes(rng.getrandbits(8) for _ in range(rng.randint(16, 64)))
        b32 = base64.b32encode(key).decode().rstrip("=")
        hotp = rng.random() < 0.3
        common = ["--secret", b32, "--algorithm", alg, "--digits", str(digits)]
        if hotp:
            counter = rng.choice([0, 1, rng.randint(0, 2**32), rng.randint(0, 2**63)])
            expected = pyotp.HOTP(b32, digits=digits, digest=alg).at(counter)
            _, got = run([binary, "generate", *common, "--counter", str(counter)])
            oath = ["oathtool", "--hotp", f"--digits={digits}", "-c", str(counter), key.hex()]
            step, at_args = counter, ["--counter", str(counter)]
        else:
            period = rng.choice([30, 30, 60, rng.randint(1, 120)])  # pyotp allows 1..120
            t0 = rng.choice([0, 0, rng.randint(0, 10**9)])
            at = t0 + rng.randint(0, 4 * 10**9)
            totp = pyotp.TOTP(b32, digits=digits, digest=alg, interval=period)
            # pyotp has no T0: shift the time instead (step = (at - t0) // period).
            expected = totp.at(at - t0)
            args = [*common, "--period", str(period), "--t0", str(t0)]
            _, got = run([binary, "generate", *args, "--time", str(at)])
            step = (at - t0) // period
            oath = ["oathtool", f"--totp={alg}", f"--digits={digits}", f"--time-step-size={period}s",
                    f"--now=@{at - t0}", key.hex()]
            common, at_args = args, ["--time", str(at + period)]
        if got != expected:
            sys.exit(f"FAIL case {i}: otpcore {got} != pyotp {expected} ({alg}, {digits} digits)")
        # oathtool: digits 6-8 only, and HOTP with SHA-1 only.
        if digits <= 8 and (not hotp or alg == "sha1"):
            _, o = run(oath)
            if o != expected:
                sys.exit(f"FAIL case {i}: oathtool {o} != pyotp {expected}: {oath}")
            compared_oath += 1
        # Verify from one step later: accepted at offset -1, then refused as used.
        if hotp:
            at_args = ["--counter", str(step + 1)] if step < 2**64 - 1 else at_args
        offset = -1 if at_args != (["--counter", str(step)]) else 0
        _, v = run([binary, "verify", *common, "--code", expected, *at_args])
        if v != f"step={step} offset={offset}":
            sys.exit(f"FAIL case {i}: verify printed {v!r}, wanted step={step} offset={offset}")
        rc, v = run([binary, "verify", *common, "--code", expected, *at_args, "--last-used", str(step)], ok=(1,))
        if v != "rejected":
            sys.exit(f"FAIL case {i}: replay printed {v!r}")
    print(f"differential: {cases} cases agree with pyotp; {compared_oath} also with oathtool")


if __name__ == "__main__":
    main()
