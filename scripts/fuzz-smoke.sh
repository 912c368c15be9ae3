#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ and runs each for a short time; exits
# non-zero on a build failure or a crash (libFuzzer leaves the input in
# fuzz/artifacts/<target>/).
#
#   scripts/fuzz-smoke.sh            # every target, FUZZ_SECONDS (default 20) each
#   scripts/fuzz-smoke.sh uri code   # only these
#
# New inputs go to a scratch corpus (FUZZ_WORK, default a temporary directory),
# so the committed seeds in fuzz/corpus/<target>/ stay as they are.
# Uses the nightly toolchain if installed, else stable with RUSTC_BOOTSTRAP=1
# (cargo-fuzz needs -Z flags). Needs cargo-fuzz (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-20}
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  toolchain=()
  export RUSTC_BOOTSTRAP=1
fi
command -v cargo-fuzz >/dev/null || { echo "fuzz-smoke: cargo-fuzz is missing (scripts/install-deps.sh)" >&2; exit 1; }

cd fuzz
mapfile -t all < <(cargo "${toolchain[@]}" fuzz list)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")

# Build once (all targets); the per-target runs below then start at once.
cargo "${toolchain[@]}" fuzz build

work=${FUZZ_WORK:-$(mktemp -d)}
trap '[[ -n "${FUZZ_WORK:-}" ]] || rm -rf "$work"' EXIT
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  dict=() seeds=()
  [[ -f "$t.dict" ]] && dict=("-dict=$t.dict")
  [[ -d "corpus/$t" ]] && seeds=("corpus/$t")
  echo "fuzz-smoke: $t for ${seconds}s"
  # -close_fd_mask=1: the cli target prints codes to stdout.
  if cargo "${toolchain[@]}" fuzz run "$t" "$work/$t" "${seeds[@]}" -- \
      -max_total_time="$seconds" -close_fd_mask=1 "${dict[@]}" \
      >"$work/$t.log" 2>&1 </dev/null; then
    grep -E '^(Done|#[0-9]+ +DONE)' "$work/$t.log" | tail -1 || true
  else
    failed+=("$t")
    tail -n 40 "$work/$t.log" >&2
  fi
done
if ((${#failed[@]})); then
  echo "fuzz-smoke: FAILED: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz-smoke: ${#targets[@]} targets ran ${seconds}s each without a crash"
