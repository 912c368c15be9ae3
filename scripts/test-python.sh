#!/usr/bin/env bash
# Python tests against the installed wheel: scripts/build-wheel.sh builds
# target/wheels/otpcore-*.whl (release), pip installs it into a fresh venv, mypy
# --strict checks a typed use of the package against its stubs, and pytest runs
# bindings/python (whose conftest refuses an otpcore_ffi that is not installed).
# The suite's own tools (pytest, pyotp, protobuf, zxing-cpp, pillow) come from the
# venv cached at ${OTPCORE_CACHE:-/var/cache/otpcore}/venv (scripts/install-deps.sh),
# seen through a .pth file; otpcore is only in the fresh venv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cache="${OTPCORE_CACHE:-/var/cache/otpcore}"
deps="$cache/venv"
if ! "$deps/bin/python" -c 'import pytest, pyotp' 2>/dev/null; then
  mkdir -p "$cache"
  python3 -m venv "$deps"
  "$deps/bin/pip" install -q --disable-pip-version-check pytest==9.2.0 pyotp==2.12.0
fi

wheel="$(scripts/build-wheel.sh | tail -n 1)"

fresh="$(mktemp -d "${TMPDIR:-/tmp}/otpcore-wheel-test.XXXXXX")"
trap 'rm -rf "$fresh"' EXIT
python3 -m venv "$fresh"
"$fresh/bin/pip" install -q --no-index --disable-pip-version-check "$wheel"
site() { "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }
site "$deps" > "$(site "$fresh")/otpcore-test-tools.pth"

# The stubs: mypy --strict on a typed use of the API, as a user's project would run it.
"$cache/wheel-venv/bin/mypy" --strict --python-executable "$fresh/bin/python" \
  --no-incremental bindings/python/test_typed_usage.py

cd bindings/python
"$fresh/bin/python" -m pytest -p no:cacheprovider . "$@"
