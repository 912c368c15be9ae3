#!/usr/bin/env bash
# Python tests of the uniffi bindings: builds the otpcore-ffi cdylib, generates the
# Python module from it (never committed) into bindings/python/generated/ next to a
# copy of the library (the module loads it from its own directory), and runs pytest
# from a venv cached at ${OTPCORE_CACHE:-/var/cache/otpcore}/venv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
lib_dir="$target_dir/debug"
generated="$root/bindings/python/generated"
venv="${OTPCORE_CACHE:-/var/cache/otpcore}/venv"

if ! "$venv/bin/python" -c 'import pytest' 2>/dev/null; then
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check pytest==9.2.0
fi

cargo build -p otpcore-ffi
rm -rf "$generated"
"$lib_dir/uniffi-bindgen" generate "$lib_dir/libotpcore_ffi.so" \
  --language python --no-format --out-dir "$generated"
cp "$lib_dir/libotpcore_ffi.so" "$generated/"

"$venv/bin/python" -m pytest bindings/python "$@"
