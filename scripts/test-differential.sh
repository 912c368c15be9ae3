#!/usr/bin/env bash
# otpcore's CLI vs pyotp and oathtool over 1,000 random cases (tests/differential/check.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${OTPCORE_CACHE:-/var/cache/otpcore}/venv/bin/python
command -v oathtool >/dev/null || { echo "oathtool missing: run scripts/install-deps.sh" >&2; exit 1; }
cargo build --release -p otpcore-cli --bin otpcore
"$PY" crates/otpcore-cli/tests/differential/check.py "${CARGO_TARGET_DIR:-target}/release/otpcore" "${DIFF_CASES:-1000}"
"$PY" crates/otpcore-cli/tests/differential/uri_corpus.py "${CARGO_TARGET_DIR:-target}/release/otpcore"
