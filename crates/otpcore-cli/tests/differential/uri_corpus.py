#!/usr/bin/env python3
"""Differential test of testdata/uri-corpus.json (real-world otpauth URIs).

Usage: uri_corpus.py OTPCORE_BINARY

1. Regenerates the corpus with testdata/uri-corpus.py and requires the committed
   file to be identical (its canonical texts and codes are derived independently
   of otpcore, by urllib and Python's hmac).
2. Runs `otpcore uri parse` and `otpcore generate --uri` on every case: the fields
   and the code must be the expected ones; a refused URI must exit 2 with the
   expected one-line message.
3. Wherever pyotp's own parse_uri accepts a URI, pyotp's code must equal
   otpcore's (pyotp refuses secrets under 112 bits and issuers that differ from
   the label prefix, so it covers part of the corpus; at least 7 cases).
"""
import json
import pathlib
import subprocess
import sys

import pyotp

ROOT = pathlib.Path(__file__).resolve().parents[4]


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def main():
    binary = sys.argv[1]
    committed = (ROOT / "testdata" / "uri-corpus.json").read_text()
    regenerated = run([sys.executable, str(ROOT / "testdata" / "uri-corpus.py")])
    if regenerated.returncode != 0 or regenerated.stdout != committed:
        sys.exit("FAIL: testdata/uri-corpus.json differs from testdata/uri-corpus.py's output")
    compared = 0
    for case in json.loads(committed)["cases"]:
        name, uri = case["name"], case["uri"]
        short = ["--allow-short-secret"] if case["allow_short_secret"] else []
        parsed = run([binary, "uri", "parse", *short, uri])
        if "error" in case:
            want = f"otpcore: error: {case['message']}\n"
            if parsed.returncode != 2 or parsed.stderr != want or parsed.stdout:
                sys.exit(f"FAIL {name}: exit {parsed.returncode}, stderr {parsed.stderr!r}")
            continue
        if parsed.returncode != 0:
            sys.exit(f"FAIL {name}: {parsed.stderr.strip()}")
        got, want = json.loads(parsed.stdout), case["expect"]
        steam = want["type"] == "steam"
        expected = {k: want[k] for k in ("issuer", "label_issuer", "account", "algorithm",
                                         "digits", "period", "counter", "image")}
        expected["type"] = "totp" if steam else want["type"]
        if steam:
            expected["encoder"] = "steam"
        if got != expected:
            sys.exit(f"FAIL {name}: uri parse gave {got}, expected {expected}")
        code = case["code"]
        at = ["--counter", str(code["counter"])] if "counter" in code else ["--time", str(code["time"])]
        generated = run([binary, "generate", "--uri", uri, *at, *short])
        if generated.stdout.strip() != code["code"]:
            sys.exit(f"FAIL {name}: otpcore generate gave {generated.stdout.strip()!r} "
                     f"({generated.stderr.strip()}), expected {code['code']}")
        try:
            theirs = pyotp.parse_uri(uri)
        except (ValueError, TypeError):
            continue  # pyotp refuses this one (see the docstring)
        point = code["counter"] if "counter" in code else code["time"]
        if theirs.at(point) != code["code"]:
            sys.exit(f"FAIL {name}: pyotp gave {theirs.at(point)}, otpcore {code['code']}")
        compared += 1
    if compared < 7:
        sys.exit(f"FAIL: pyotp accepted only {compared} corpus URIs")
    print(f"uri corpus: every case as expected; pyotp agrees on the {compared} it accepts")


if __name__ == "__main__":
    main()
