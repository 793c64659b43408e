#!/usr/bin/env bash
# One CNN training step (forward + backward + Adam), Burn (galmass bench cnn-step, flex on
# all cores) against PyTorch on 2 threads for the identical network, alternating ROUNDS times
# in one run so both see the same machine load. Prints each median and the ratio of medians.
#
#   scripts/cnn_step_compare.sh [GALMASS_BIN] [PYTHON]     # env: SIZE=150 WIDTH=1 ROUNDS=3 STEPS=3
set -euo pipefail
G=${1:-galmass}
PY=${2:-python3}
SIZE=${SIZE:-150}
WIDTH=${WIDTH:-1}
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-3}
here=$(dirname "${BASH_SOURCE[0]}")
burn=()
torch=()
for r in $(seq "$ROUNDS"); do
  b=$("$G" bench cnn-step --inputs r,vel --image-size "$SIZE" --width "$WIDTH" --batch 40 --steps "$STEPS" --device cpu | tail -1)
  echo "round $r: $b"
  burn+=("$(sed -E 's/.*median ([0-9.]+) s.*/\1/' <<<"$b")")
  t=$("$PY" "$here/cnn_step_bench.py" --threads 2 --image-size "$SIZE" --width "$WIDTH" --batch 40 --steps "$STEPS" | tail -1)
  echo "round $r: $t"
  torch+=("$(sed -E 's/.*median ([0-9.]+) s.*/\1/' <<<"$t")")
done
python3 - "${burn[*]}" "${torch[*]}" <<'PY'
import statistics, sys
b = [float(x) for x in sys.argv[1].split()]
t = [float(x) for x in sys.argv[2].split()]
mb, mt = statistics.median(b), statistics.median(t)
print(f"burn flex median of rounds {mb:.3f} s/step, pytorch {mt:.3f} s/step, ratio burn/pytorch {mb/mt:.2f}x")
PY
