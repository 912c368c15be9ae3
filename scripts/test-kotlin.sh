#!/usr/bin/env bash
# Kotlin/JVM tests of the uniffi bindings: `cargo xtask bindings kotlin` builds the
# otpcore-ffi cdylib and generates the Kotlin sources from it (never committed) into
# bindings/kotlin/target/generated-sources/uniffi; then Maven compiles them with the JNI
# fast path (bindings/jvm/src/main/kotlin: FastTotp, FastHotp) and runs the JUnit 5 suite
# in bindings/kotlin. The library is built with the `stores` feature, as the JAR's is
# (scripts/build-jar.sh), so the suite also covers StatefulVerifier.withRedis /
# withPostgres (SharedStoreTest, which starts its own redis-server and PostgreSQL).
# Needs Java 17+ and Maven; Kotlin, JNA and JUnit come from Maven
# Central through the pom (cached in ~/.m2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

generated="$root/bindings/kotlin/target/generated-sources/uniffi"
cargo xtask bindings kotlin --features stores --out "$generated"
# Library mode generates what the library exports: without the feature there would be no
# withRedis and SharedStoreTest would not compile; say so plainly instead.
grep -rq 'fun `withRedis`' "$generated" ||
  { echo "test-kotlin: the generated Kotlin has no withRedis (built without --features stores?)" >&2; exit 1; }

# JNA loads the library from cargo's output directory, which may be outside the
# repository (CARGO_TARGET_DIR): ask cargo instead of assuming target/.
target_dir="$(cargo metadata --format-version 1 --no-deps |
  grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)"
lib_dir="$target_dir/debug"

cd bindings/kotlin
# Not -q: Surefire's "Tests run: …" summary is the evidence that tests ran.
mvn -B -ntp test \
  -Duniffi.generated.dir="$generated" \
  -Dotpcore.lib.dir="$lib_dir"
