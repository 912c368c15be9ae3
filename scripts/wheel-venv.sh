#!/usr/bin/env bash
# Builds the wheel (scripts/build-wheel.sh) and installs it into a fresh venv at $1,
# which also sees the tools of the cached venv ${OTPCORE_CACHE:-/var/cache/otpcore}/venv
# (pytest, pyotp, … from scripts/install-deps.sh) through a .pth file: otpcore itself
# is only in the fresh venv. Used by scripts/test-python.sh and scripts/bench-python.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fresh="$1"

cache="${OTPCORE_CACHE:-/var/cache/otpcore}"
deps="$cache/venv"
if ! "$deps/bin/python" -c 'import pytest, pyotp' 2>/dev/null; then
  mkdir -p "$cache"
  python3 -m venv "$deps"
  "$deps/bin/pip" install -q --disable-pip-version-check pytest==9.2.0 pyotp==2.12.0
fi

wheel="$("$root/scripts/build-wheel.sh" | tail -n 1)"
python3 -m venv "$fresh"
"$fresh/bin/pip" install -q --no-index --disable-pip-version-check "$wheel"
site() { "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }
site "$deps" > "$(site "$fresh")/otpcore-test-tools.pth"
