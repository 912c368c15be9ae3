#!/usr/bin/env bash
# The one command that runs every test suite. Installs what it needs first
# (scripts/install-deps.sh; big pieces cached under /var/cache/otpcore).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "install dependencies"
scripts/install-deps.sh

step "Rust: unit, integration, property and doc tests (all features)"
cargo test --workspace --all-features
step "Rust: the no_std core builds without std"
cargo build --no-default-features

step "differential: otpcore vs pyotp and oathtool"
scripts/test-differential.sh

step "enrollment interop: Steam vs pyotp, exports via protobuf, QR via zxing-cpp"
scripts/test-enroll.sh

step "bindings: Kotlin on the JVM (JUnit)"
scripts/test-kotlin.sh
step "bindings: Python (pytest)"
scripts/test-python.sh
step "bindings: Swift (XCTest, in the trixie chroot)"
scripts/test-swift.sh
scripts/test-security.sh

echo
echo "test-all: every suite passed"
