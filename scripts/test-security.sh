#!/usr/bin/env bash
# The security suite (SECURITY.md): the branch check of the verification's
# machine code, the constant-time smoke test, the fuzz smoke test, and Miri on
# the core's unit tests and the wiping test. Called by test-all.sh.
#
#   scripts/test-security.sh
#   FUZZ_SECONDS=60 OTPCORE_CT_SAMPLES=1000000 scripts/test-security.sh
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "security: no branch between a verification's kernel and its result (scripts/ct-branches.py)"
# The machine code of the release build the dudect run below times: a compiler
# or inlining change that turns the constant-time result into a branch fails
# here, with the instruction named.
if [ "$(uname -m)" = x86_64 ]; then
  ct_bin=$(cargo build -q --release -p otpcore-ct --message-format=json-render-diagnostics |
    python3 -c 'import json, sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable")][-1])')
  python3 scripts/ct-branches.py "$ct_bin"
else
  echo "test-security: ct-branches skipped: it reads x86-64 machine code" >&2
fi

step "security: constant time of verification (dudect, scripts/ct-smoke.sh)"
scripts/ct-smoke.sh

step "security: every fuzz target builds and runs without a crash (scripts/fuzz-smoke.sh)"
scripts/fuzz-smoke.sh

step "security: Miri (undefined behaviour) on the core's unit tests and crates/otpcore/tests/wiping"
# The core's modules only: Miri is ~1000x slower than native, and the enrollment
# modules (QR, migration, Steam) are not on the verification path.
if cargo +nightly miri --version >/dev/null 2>&1; then
  # (`code::` would also match `steam_code::`, which is not on the verification path.)
  cargo +nightly miri test -p otpcore --lib -- code:: mac:: params:: scan:: secret:: --skip steam_code::
  cargo +nightly miri test -p otpcore --test wiping
else
  echo "test-security: Miri skipped: no nightly toolchain with the miri component" \
    "(rustup component add --toolchain nightly miri rust-src)" >&2
fi
echo "test-security: every security check passed"
