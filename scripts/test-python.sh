#!/usr/bin/env bash
# Python tests of the uniffi bindings: `cargo xtask bindings python` builds the
# otpcore-ffi cdylib and generates the Python module from it (never committed) into
# bindings/python/generated/ next to a copy of the library (the module loads it from its
# own directory); then pytest runs from a venv cached at
# ${OTPCORE_CACHE:-/var/cache/otpcore}/venv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="${OTPCORE_CACHE:-/var/cache/otpcore}/venv"

if ! "$venv/bin/python" -c 'import pytest' 2>/dev/null; then
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check pytest==9.2.0
fi

cargo xtask bindings python

"$venv/bin/python" -m pytest bindings/python "$@"
