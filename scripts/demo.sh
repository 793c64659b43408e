#!/usr/bin/env bash
# galmass — the first command on a fresh machine. Installs the one system library galmass
# links (HDF5, with pkg-config; apt-get as root or through sudo, else it names the command to
# run), compiles the command line once, then runs the demo:
#
#   scripts/demo.sh [demo options]      # e.g. scripts/demo.sh --galaxies 400
#
# The first compile builds ~340 crates (Burn's CPU backend, HDF5 bindings, plotters, clap):
# about 7.5 minutes on 2 cores (burn-flex alone 3.5), with cargo's progress bar; the demo then
# takes about 4 minutes. Later runs start at once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || {
  echo "cargo not found: install Rust from https://rustup.rs and run this again" >&2
  exit 2
}
# shellcheck source=lib/system.sh
source scripts/lib/system.sh
apt_ensure "${GALMASS_HDF5_PACKAGES[@]}" || exit 2

if [ ! -x "${CARGO_TARGET_DIR:-target}/debug/galmass" ]; then
  echo "compiling galmass for the first time: ~340 crates, about 7.5 minutes on 2 cores (cargo shows its progress)"
fi
cargo build -p galmass
exec cargo run -q -p galmass -- demo "$@"
