#!/usr/bin/env bash
# The one command that runs every test suite. Installs what it needs first
# (scripts/install-deps.sh; big pieces cached under /var/cache/otpcore).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "install dependencies"
scripts/install-deps.sh

step "Rust: unit, integration, property and doc tests of every crate (all features)"
# The backend tests must run every SIMD backend the kernel says this CPU has
# (crates/otpcore/src/accel/tests.rs), so a detection bug cannot skip one silently.
expect=()
grep -qw sha_ni /proc/cpuinfo && expect+=(shani)
grep -qw avx2 /proc/cpuinfo && expect+=(avx2)
grep -qw avx512f /proc/cpuinfo && expect+=(avx512)
OTPCORE_EXPECT_BACKENDS=$(IFS=,; echo "${expect[*]:-}")
export OTPCORE_EXPECT_BACKENDS
echo "SIMD backends this CPU must run (from /proc/cpuinfo): ${OTPCORE_EXPECT_BACKENDS:-none}"
# (The login server's tests run in their own step below.)
cargo test --workspace --all-features --exclude otpcore-login-server
step "Rust: the no_std core builds and passes its unit tests without std"
cargo test -p otpcore --lib --no-default-features
step "Rust: the core's tests on the portable backend alone (--cfg otpcore_backend=\"soft\")"
RUSTFLAGS='--cfg otpcore_backend="soft"' CARGO_TARGET_DIR=target/soft cargo test -p otpcore
step "Rust: cargo install installs a working otpcore command"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cargo install --quiet --locked --debug --path crates/otpcore-cli --root "$root" --target-dir target
"$root/bin/otpcore" generate --secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ --time 59 --digits 8 | grep -qx 94287082
echo "cargo install: $root/bin/otpcore prints RFC 6238's 94287082"

step "reference login server: unit tests and the browser test (headless Chromium; in-memory and Redis stores)"
cargo test -p otpcore-login-server --all-features

step "differential: otpcore vs pyotp and oathtool"
scripts/test-differential.sh

step "enrollment interop: Steam vs pyotp, exports via protobuf, QR via zxing-cpp"
scripts/test-enroll.sh

step "bindings: Kotlin on the JVM (JUnit)"
scripts/test-kotlin.sh
step "bindings: the JVM JAR (release library inside), installed and tested from bindings/jvm-consumer"
scripts/build-jar.sh --test
step "bindings: Python (pytest)"
scripts/test-python.sh
step "bindings: Swift (XCTest, in the trixie chroot)"
scripts/test-swift.sh
scripts/test-security.sh

echo
echo "test-all: every suite passed"
