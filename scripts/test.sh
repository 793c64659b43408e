#!/usr/bin/env bash
# galmass — the one test command (README, CI). Installs what is missing, idempotently, then
# runs every check: formatting, module cycles, references to the docs, clippy (native and wasm32), the API docs
# (rustdoc, warnings denied), the Rust tests, the Slurm test
# (scripts/slurm-test.sh), a debug build of the web app (scripts/web.sh), and the browser
# tests. Fails fast with the failing stage named.
#
#   scripts/test.sh            # from anywhere inside the clone
#
# Environment: CARGO_TARGET_DIR is honoured (.ci/run sets a persistent one outside the clone).
# Installs when missing: the wasm32-unknown-unknown target (rustup), clippy and rustfmt,
# wasm-bindgen-cli at exactly the Cargo.lock version (cargo install; no registry here has it
# prebuilt), and — as root or through sudo, with apt-get — Debian's chromium, chromium-driver,
# libhdf5-dev, pkg-config, nodejs and npm; then `npm ci` in tests/e2e.
# CARGO_INCREMENTAL=0 unless set: a clean run gains nothing from incremental state.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# shellcheck source=lib/system.sh
source scripts/lib/system.sh
T_START=$(date +%s)
SUMMARY=()

die() {
  echo "error: $*" >&2
  exit 1
}

# stage NAME CMD... — runs CMD, prints its wall time, stops the script on failure.
stage() {
  local name=$1
  shift
  echo
  echo "==> ${name}"
  local t0
  t0=$(date +%s)
  # A subshell outside any `if`/`||`, so that `set -e` holds inside multi-command stages
  # (bash ignores errexit in the whole body of a function called as an `if` condition).
  local rc=0
  set +e
  (
    set -e
    "$@"
  )
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    echo >&2
    echo "FAILED at stage '${name}' after $(($(date +%s) - t0)) s: $*" >&2
    exit 1
  fi
  local dt=$(($(date +%s) - t0))
  SUMMARY+=("$(printf '%-34s %5d s' "$name" "$dt")")
  echo "<== ${name}: ${dt} s"
}

is_root() { [ "$(id -u)" = 0 ]; }

# ---------------------------------------------------------------------------- installs
install_system_packages() {
  apt_ensure chromium:/usr/bin/chromium chromium-driver:/usr/bin/chromedriver \
    "${GALMASS_HDF5_PACKAGES[@]}" nodejs:cmd/node npm:cmd/npm
  echo "system packages present (chromium, chromium-driver, libhdf5-dev, pkg-config, node, npm)"
}

install_rust_parts() {
  command -v rustup >/dev/null || die "rustup not found: install Rust from https://rustup.rs"
  local have
  have=$(rustup component list --installed 2>/dev/null || true)
  grep -q '^clippy' <<<"$have" || rustup component add clippy
  grep -q '^rustfmt' <<<"$have" || rustup component add rustfmt
  rustup target list --installed | grep -qx wasm32-unknown-unknown ||
    rustup target add wasm32-unknown-unknown

  # wasm-bindgen-cli must equal the wasm-bindgen library version in Cargo.lock.
  local wbg
  wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [ -n "$wbg" ] || die "no wasm-bindgen entry in Cargo.lock"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen ${wbg}" ]; then
    # Not --locked: the CLI's own lock file names a since-yanked crate.
    cargo install wasm-bindgen-cli --version "=${wbg}"
  fi
  echo "rust parts: $(rustc --version), $(wasm-bindgen --version)"
}

install_node_packages() {
  # npm ci only when node_modules is missing or older than the lock file.
  if [ ! -f tests/e2e/node_modules/.package-lock.json ] ||
    [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund)
  else
    echo "tests/e2e/node_modules up to date"
  fi
}

# ---------------------------------------------------------------------------- checks
rust_tests() {
  if command -v cargo-nextest >/dev/null; then
    cargo nextest run --workspace --no-tests=pass
    cargo test --workspace --doc
  else
    cargo test --workspace
  fi
}

stage "install: system packages" install_system_packages
stage "install: rust target and tools" install_rust_parts
stage "install: node packages" install_node_packages
stage "cargo fmt --check" cargo fmt --all --check
stage "module cycles (scripts/module_cycles.py)" python3 scripts/module_cycles.py
stage "doc references (scripts/doc_refs.py)" python3 scripts/doc_refs.py
# With the GPU backend (`gpu`), so its code is linted; the tests build without it.
stage "clippy (native, all targets)" \
  cargo clippy --workspace --all-targets --features galmass/gpu -- -D warnings
stage "clippy (wasm32: core, app)" \
  cargo clippy -p galmass-core -p galmass-app --target wasm32-unknown-unknown -- -D warnings
stage "cargo doc (warnings denied, private items too)" env RUSTDOCFLAGS="-D warnings" \
  cargo doc --no-deps --workspace --document-private-items
stage "rust tests" rust_tests
# galmass cluster on a real single-node Slurm (slurmctld + slurmd started by the script).
stage "slurm test (galmass cluster)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" scripts/slurm-test.sh
# The same mock galaxies, bit for bit, compiled to wasm32 and run in Node.
stage "wasm32 determinism test (node)" env \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p galmass-core --target wasm32-unknown-unknown --test determinism
stage "web app build (debug)" scripts/web.sh build
stage "browser test (chromium)" node tests/e2e/home.test.mjs
# The GBDT page against the native CLI (the binary the rust-tests stage built).
stage "browser test: predict (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/predict.test.mjs
stage "browser test: maps + CNN (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/maps.test.mjs
stage "browser test: gallery (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/gallery.test.mjs
stage "browser test: files to try (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/examples.test.mjs
stage "browser test: observed maps (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/observed.test.mjs
stage "browser test: classroom (chromium)" node tests/e2e/classroom.test.mjs
stage "browser test: saliency and a responsive page (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/saliency.test.mjs

echo
echo "all checks passed in $(($(date +%s) - T_START)) s"
printf '  %s\n' "${SUMMARY[@]}"
