#!/usr/bin/env bash
# Release build of the web app as a size benchmark (not part of CI: it takes minutes).
# Profile `wasm-release` (opt-level "z", fat LTO, 1 codegen unit, panic=abort) and
# wasm-opt -Oz from npm binaryen@132 (Debian's binaryen 108 produces a wasm that fails at
# page load). Writes www/dist-release, prints the raw and gzip -9 size of the .wasm, then
# runs the browser test against the release build to prove the optimised wasm works.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

t0=$(date +%s)
scripts/web.sh build --release
echo "release web build: $(($(date +%s) - t0)) s"

wasm=$(ls www/dist-release/*.wasm)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
awk -v w="$wasm" -v r="$raw" -v g="$gz" 'BEGIN {
  printf "wasm: %s\n  raw  %9d bytes (%.1f KiB)\n  gzip %9d bytes (%.1f KiB)\n", w, r, r / 1024, g, g / 1024 }'

(cd tests/e2e && { [ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund; })
GALMASS_DIST=www/dist-release node tests/e2e/home.test.mjs
GALMASS_DIST=www/dist-release node tests/e2e/classroom.test.mjs
# The CNN card on the release build, against the native CLI when a galmass binary is given.
if [ -n "${GALMASS_BIN:-}" ]; then
  GALMASS_DIST=www/dist-release node tests/e2e/maps.test.mjs
fi
