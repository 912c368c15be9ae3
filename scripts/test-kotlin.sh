#!/usr/bin/env bash
# Kotlin/JVM tests of the uniffi bindings: builds the otpcore-ffi cdylib, generates the
# Kotlin sources from it (never committed) and runs the JUnit 5 suite in
# bindings/kotlin with Maven. Needs Java 17+ and Maven; Kotlin, JNA and JUnit come
# from Maven Central through the pom (cached in ~/.m2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
lib_dir="$target_dir/debug"
generated="$root/bindings/kotlin/target/generated-sources/uniffi"

cargo build -p otpcore-ffi
rm -rf "$generated"
# Run from the workspace: uniffi-bindgen reads bindings/otpcore-ffi/uniffi.toml via cargo metadata.
"$lib_dir/uniffi-bindgen" generate "$lib_dir/libotpcore_ffi.so" \
  --language kotlin --no-format --out-dir "$generated"

cd bindings/kotlin
# Not -q: Surefire's "Tests run: …" summary is the evidence that tests ran.
mvn -B -ntp test \
  -Duniffi.generated.dir="$generated" \
  -Dotpcore.lib.dir="$lib_dir"
