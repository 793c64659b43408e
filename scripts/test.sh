#!/usr/bin/env bash
# galmass — the one test command (README, CI). Installs what is missing, idempotently, then
# runs every check: formatting, clippy (native and wasm32), the Rust tests, a debug Trunk
# build of the web app, and the browser test. Fails fast with the failing stage named.
#
#   scripts/test.sh            # from anywhere inside the clone
#
# Environment: CARGO_TARGET_DIR is honoured (.ci/run sets a persistent one outside the clone).
# Installs when missing: the wasm32-unknown-unknown target (rustup), clippy and rustfmt,
# trunk 0.21.14 (cargo install --locked), wasm-bindgen-cli at exactly the Cargo.lock version
# (cargo install), and — only when running as root with apt-get — Debian's chromium,
# chromium-driver, libhdf5-dev, pkg-config, nodejs and npm; then `npm ci` in tests/e2e.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
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
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  # hdf5-metno finds Debian's serial HDF5 here (headers) or through pkg-config.
  if [ ! -f /usr/include/hdf5/serial/hdf5.h ] && ! pkg-config --exists hdf5 2>/dev/null; then
    missing+=(libhdf5-dev)
  fi
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages present (chromium, chromium-driver, libhdf5-dev, pkg-config, node, npm)"
    return 0
  fi
  if is_root && command -v apt-get >/dev/null; then
    echo "installing with apt-get: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    die "missing system packages: ${missing[*]}. Install them (Debian: sudo apt-get install ${missing[*]}) and rerun."
  fi
}

install_rust_parts() {
  command -v rustup >/dev/null || die "rustup not found: install Rust from https://rustup.rs"
  local have
  have=$(rustup component list --installed 2>/dev/null || true)
  grep -q '^clippy' <<<"$have" || rustup component add clippy
  grep -q '^rustfmt' <<<"$have" || rustup component add rustfmt
  rustup target list --installed | grep -qx wasm32-unknown-unknown ||
    rustup target add wasm32-unknown-unknown

  if [ "$(trunk --version 2>/dev/null)" != "trunk ${TRUNK_VERSION}" ]; then
    # trunk 0.22 needs a newer rustc than ours; 0.21.14 builds with --locked.
    cargo install trunk --version "${TRUNK_VERSION}" --locked
  fi

  # wasm-bindgen-cli must equal the wasm-bindgen library version in Cargo.lock, and
  # Trunk.toml's [tools] wasm_bindgen must name it (Trunk is offline and never downloads).
  local wbg
  wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [ -n "$wbg" ] || die "no wasm-bindgen entry in Cargo.lock"
  grep -q "^wasm_bindgen = \"${wbg}\"" Trunk.toml ||
    die "Trunk.toml [tools] wasm_bindgen must be \"${wbg}\" (the Cargo.lock version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen ${wbg}" ]; then
    # Not --locked: the CLI's own lock file names a since-yanked crate.
    cargo install wasm-bindgen-cli --version "=${wbg}"
  fi
  echo "rust parts: $(rustc --version), $(trunk --version), $(wasm-bindgen --version)"
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
stage "clippy (native, all targets)" cargo clippy --workspace --all-targets -- -D warnings
stage "clippy (wasm32: core, app)" \
  cargo clippy -p galmass-core -p galmass-app --target wasm32-unknown-unknown -- -D warnings
stage "check galmass-core (wasm32)" cargo check -p galmass-core --target wasm32-unknown-unknown
stage "rust tests" rust_tests
# The same mock galaxies, bit for bit, compiled to wasm32 and run in Node.
stage "wasm32 determinism test (node)" env \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p galmass-core --target wasm32-unknown-unknown --test determinism
stage "trunk build (debug)" trunk build
stage "browser test (chromium)" node tests/e2e/home.test.mjs
# The GBDT page against the native CLI (the binary the rust-tests stage built).
stage "browser test: predict (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/predict.test.mjs
stage "browser test: maps + CNN (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/maps.test.mjs
stage "browser test: gallery (chromium)" env \
  GALMASS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/galmass" node tests/e2e/gallery.test.mjs
stage "browser test: classroom (chromium)" node tests/e2e/classroom.test.mjs

echo
echo "all checks passed in $(($(date +%s) - T_START)) s"
printf '  %s\n' "${SUMMARY[@]}"
