#!/usr/bin/env bash
# Swift binding tests: `cargo xtask bindings swift` builds the uniffi cdylib on
# the host and generates the Swift package's sources from it; then the XCTest
# suite of bindings/swift runs inside the Swift chroot (scripts/swift-env.sh).
#
# Usage: scripts/test-swift.sh [extra `swift test` arguments, e.g. --filter Rfc4226]
#
# Environment:
#   OTPCORE_FFI_PROFILE  cargo profile of the library to test (default: dev)
#   OTPCORE_SWIFT_ROOT   see scripts/swift-env.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck source=scripts/swift-env.sh
source "$repo/scripts/swift-env.sh"
pkg="$repo/bindings/swift"
profile="${OTPCORE_FFI_PROFILE:-dev}"
log() { printf 'test-swift: %s\n' "$*" >&2; }

# The first build of the chroot is mostly download and unpacking; overlap it
# with the cargo build. Its output goes to a log so the two do not interleave.
ensure_log="$(mktemp)"
trap 'rm -f "$ensure_log"' EXIT
ensure_pid=""
if ! swift_env_ready; then
    log "building the Swift chroot in the background (first run only)"
    swift_env_ensure >"$ensure_log" 2>&1 &
    ensure_pid=$!
fi

# Builds libotpcore_ffi.so and writes the SwiftPM layout Package.swift expects
# (Sources/OtpcoreFFI, Sources/Otpcore/Generated.swift, lib/), each file only if
# it changed, so SwiftPM does not recompile the bindings on every run.
log "cargo xtask bindings swift --profile $profile"
(cd "$repo" && cargo xtask bindings swift --profile "$profile" --out "$pkg")

if [[ -n "$ensure_pid" ]]; then
    log "waiting for the Swift chroot"
    if ! wait "$ensure_pid"; then
        cat "$ensure_log" >&2
        log "building the Swift chroot failed"
        exit 1
    fi
fi

log "swift test (in the chroot)"
cd "$pkg"
# The suite is XCTest. Without --disable-swift-testing, SwiftPM 6 also runs
# the (empty) Swift Testing runner, whose last line reads "Test run with 0
# tests passed" and hides XCTest's summary.
swift_run "$repo" swift test --disable-swift-testing "$@"

# The package as a dependency: bindings/swift-consumer depends on it by a package
# dependency and runs its own XCTest suite (ConsumerTests).
log "swift test in bindings/swift-consumer (the package used as a dependency)"
cd "$repo/bindings/swift-consumer"
swift_run "$repo" swift test --disable-swift-testing
