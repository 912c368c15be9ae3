#!/usr/bin/env bash
# The JVM benchmark: builds and installs the otpcore JAR (scripts/build-jar.sh), then runs
# bindings/jvm-bench in a fresh JVM: TOTP generate and verify ±1 (right and wrong code)
# through otpcore's uniffi Totp, its JNI FastTotp and java-otp 0.4.0 (pure Java), in one
# run, interleaved, median of 7 rounds. Prints a Markdown table (README.md "JVM package").
# A benchmark, never run by the tests: run it on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build-jar.sh"
cd "$root/bindings/jvm-bench"
mvn -B -ntp -q compile exec:exec
