#!/usr/bin/env bash
# Builds the otpcore JAR and installs it into the local Maven repository (~/.m2) as
# otpcore:otpcore:0.2.0: the uniffi Kotlin bindings generated from a release build of
# otpcore-ffi, the JNI fast path (bindings/jvm/src/main/kotlin) and the release library
# at JNA's resource path for this machine (linux-x86-64/libotpcore_ffi.so on x86-64
# Linux). Needs Java 17+ and Maven (scripts/install-deps.sh installs both).
#
#   scripts/build-jar.sh            # build + install
#   scripts/build-jar.sh --test     # also run the consumer project's tests against it
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in cargo java mvn; do
  command -v "$tool" >/dev/null || { echo "build-jar: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

# JNA's name for this platform's resource folder (com.sun.jna.Platform.RESOURCE_PREFIX).
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86-64 ;;
  Linux-aarch64) platform=linux-aarch64 ;;
  *) echo "build-jar: no JNA resource prefix known for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

jvm="$root/bindings/jvm"
generated="$jvm/target/generated-sources/uniffi"
native="$jvm/target/native"
# Release build: the JAR is what applications ship and what the benchmark measures.
# `--features stores`: the JAR is for JVM servers, which need StatefulVerifier.withRedis /
# withPostgres (a verifier shared by every server process); Android builds leave it off
# (bindings/README.md).
cargo xtask bindings kotlin --profile release --features stores --out "$generated"
grep -rq 'fun `withRedis`' "$generated" ||
  { echo "build-jar: the generated Kotlin has no withRedis (built without --features stores?)" >&2; exit 1; }

target_dir="$(cargo metadata --format-version 1 --no-deps |
  grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)"
rm -rf "$native"
mkdir -p "$native/$platform"
cp "$target_dir/release/libotpcore_ffi.so" "$native/$platform/"

(cd "$jvm" && mvn -B -ntp -q install \
  -Duniffi.generated.dir="$generated" -Dotpcore.native.dir="$native")
echo "build-jar: installed otpcore:otpcore:0.2.0 ($platform/libotpcore_ffi.so inside)"

if [[ "${1:-}" == "--test" ]]; then
  # A separate project, by coordinates, no library path: as an application would.
  # Not -q: Surefire's "Tests run: …" summary is the evidence that tests ran.
  (cd "$root/bindings/jvm-consumer" && mvn -B -ntp test)
fi
