#!/usr/bin/env bash
# Enrollment interop suite: the otpcore CLI against pyotp (Steam), Python protobuf
# (Google Authenticator exports) and zxing-cpp (QR decoding).
# Needs the venv from scripts/install-deps.sh. OTPCORE_SEED=N replays a run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${OTPCORE_CACHE:-/var/cache/otpcore}/venv
export OTPCORE_SEED=${OTPCORE_SEED:-$RANDOM$RANDOM}
echo "test-enroll: OTPCORE_SEED=$OTPCORE_SEED"
cargo build --quiet -p otpcore-cli --bin otpcore
OTPCORE_BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/debug/otpcore" "$VENV/bin/python" -m pytest -q -p no:cacheprovider crates/otpcore-cli/tests/interop "$@"
