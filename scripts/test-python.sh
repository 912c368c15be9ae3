#!/usr/bin/env bash
# Python tests against the installed wheel: scripts/wheel-venv.sh builds
# target/wheels/otpcore-*.whl (release) and pip installs it into a fresh venv; then
# the module is checked for the wiping allocator, mypy --strict checks a typed use of
# the package against its stubs, and pytest runs bindings/python (whose conftest
# refuses an otpcore_ffi that is not installed in the venv).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

fresh="$(mktemp -d "${TMPDIR:-/tmp}/otpcore-wheel-test.XXXXXX")"
trap 'rm -rf "$fresh"' EXIT
scripts/wheel-venv.sh "$fresh"

# otpcore-ffi's `#[global_allocator]` (WipeOnFree) is the module's: Rust's
# `__rust_dealloc` must zero the block (memset) before handing it to `free`. With
# the system allocator it would go straight to `free`.
module="$(ls "$fresh"/lib/python3*/site-packages/otpcore_ffi/otpcore_ffi*.so)"
dealloc="$(objdump -d --no-show-raw-insn "$module" | awk '/___rust_dealloc>:$/,/^$/')"
printf '%s\n' "$dealloc" | grep -E 'call|jmp' | grep -oE '<(memset|free)@' | tr -d '<@' | tr '\n' ' ' \
  | grep -qx 'memset free ' \
  || { echo "test-python: $module frees without wiping (no WipeOnFree):" >&2; printf '%s\n' "$dealloc" >&2; exit 1; }

# The stubs: mypy --strict on a typed use of the API, as a user's project would run it.
"${OTPCORE_CACHE:-/var/cache/otpcore}/wheel-venv/bin/mypy" --strict \
  --python-executable "$fresh/bin/python" --no-incremental bindings/python/test_typed_usage.py

cd bindings/python
"$fresh/bin/python" -m pytest -p no:cacheprovider . "$@"
