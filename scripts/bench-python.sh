#!/usr/bin/env bash
# otpcore's wheel against pyotp (bindings/python/bench/bench_vs_pyotp.py): builds and
# installs the wheel into a fresh venv, then runs the benchmark; arguments go to it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fresh="$(mktemp -d "${TMPDIR:-/tmp}/otpcore-wheel-bench.XXXXXX")"
trap 'rm -rf "$fresh"' EXIT
"$root/scripts/wheel-venv.sh" "$fresh" >&2
"$fresh/bin/python" "$root/bindings/python/bench/bench_vs_pyotp.py" "$@"
