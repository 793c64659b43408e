#!/usr/bin/env bash
# One 300² SPH image of the same 10⁴ star particles (the first default mock galaxy, 32-neighbour
# smoothing), galmass against pynbody, alternating ROUNDS times in one run so both see the
# same machine load; both use all cores (rayon's pool; pynbody's default thread count).
# galmass "one image" = 3D kNN smoothing lengths + the g and r render of one projection (from
# scratch, as pynbody's smoothing + density + render); "amortised" = observe_all / 3 (the kNN
# shared by three projections, their 48² kinematic maps included), what a dataset build pays.
#
#   scripts/sph_compare.sh [PYTHON]        # env: ROUNDS=3 REPEATS=5; needs pynbody (PyPI)
set -euo pipefail
PY=${1:-python3}
ROUNDS=${ROUNDS:-3}
REPEATS=${REPEATS:-5}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build -q --release -p galmass-core --features parallel --example observe_timing
EX="${CARGO_TARGET_DIR:-target}/release/examples/observe_timing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$EX" 1 "$tmp/stars.txt" >/dev/null
ours=()
amort=()
theirs=()
for r in $(seq "$ROUNDS"); do
  g=$("$EX" single "$REPEATS")
  echo "round $r: $g"
  ours+=("$(sed -E 's/.*one image \(kNN \+ g,r render\) median ([0-9.]+) ms.*/\1/' <<<"$g")")
  amort+=("$(sed -E 's/.*observe_all \/ 3 median ([0-9.]+) ms.*/\1/' <<<"$g")")
  p=$("$PY" scripts/pynbody_render_timing.py "$tmp/stars.txt" "$REPEATS" | grep "total per image")
  echo "round $r: pynbody $p"
  theirs+=("$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$p")")
done
python3 - "${ours[*]}" "${amort[*]}" "${theirs[*]}" <<'PY'
import statistics, sys
o, a, t = (statistics.median(float(x) for x in s.split()) for s in sys.argv[1:4])
print(f"median of rounds: galmass one image {o:.2f} ms, amortised {a:.2f} ms; pynbody {t:.1f} ms")
print(f"ratio pynbody/galmass: {t / o:.1f}x (one image), {t / a:.1f}x (amortised over 3 projections)")
PY
