#!/usr/bin/env bash
# The dataset file's storage, f32 (uncompressed) against f16 (shuffle + deflate, the default):
# the same mock build written both ways, alternating ROUNDS times in one run; prints the
# median build time of each, the file sizes and bytes per sample (and what that makes for the
# paper's 28 110 samples), the training reader's samples/s on both files (galmass bench read,
# alternating batch by batch), and checks that plain h5py (no plugins) reads the f16 file to
# half precision of the f32 one.
#
#   scripts/dataset_storage_bench.sh [GALMASS_BIN] [PYTHON]
#   env: GALAXIES=200 SIZE=300 ROUNDS=2 DIR=(a temporary directory)
set -euo pipefail
G=${1:-galmass}
PY=${2:-python3}
GALAXIES=${GALAXIES:-200}
SIZE=${SIZE:-300}
ROUNDS=${ROUNDS:-2}
DIR=${DIR:-$(mktemp -d)}
mkdir -p "$DIR"
declare -A times
for r in $(seq "$ROUNDS"); do
  for dt in f32 f16; do
    rm -f "$DIR/$dt.h5"
    t0=$(date +%s.%N)
    "$G" dataset build --source mock --galaxies "$GALAXIES" --image-size "$SIZE" \
      --map-dtype "$dt" --out "$DIR/$dt.h5" >/dev/null 2>&1
    t1=$(date +%s.%N)
    times[$dt]+="$(echo "$t1 - $t0" | bc) "
    echo "round $r: build $dt $(echo "$t1 - $t0" | bc) s"
  done
done
"$G" dataset info "$DIR/f16.h5" | tail -6
"$G" bench read --data "$DIR/f32.h5" --data "$DIR/f16.h5" --inputs rg,vel --image-size 150
"$G" bench read --data "$DIR/f32.h5" --data "$DIR/f16.h5" --inputs rg,vel --image-size "$SIZE"
"$PY" - "$DIR" "${times[f32]}" "${times[f16]}" <<'PY'
import os, statistics, sys
import h5py
import numpy as np

d, t32, t16 = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
m32, m16 = statistics.median(map(float, t32)), statistics.median(map(float, t16))
a, b = h5py.File(f"{d}/f32.h5"), h5py.File(f"{d}/f16.h5")
n = int(a.attrs["n"])
s32, s16 = os.path.getsize(f"{d}/f32.h5"), os.path.getsize(f"{d}/f16.h5")
print(f"build: f32 median {m32:.1f} s, f16 median {m16:.1f} s, ratio f16/f32 {m16 / m32:.3f}")
print(f"file: f32 {s32 / 1e6:.1f} MB, f16 {s16 / 1e6:.1f} MB ({100 * s16 / s32:.1f} %), {n} samples")
print(f"per sample: f32 {s32 / n / 1e6:.4f} MB, f16 {s16 / n / 1e6:.4f} MB; "
      f"28 110 samples: f32 {28110 * s32 / n / 1e9:.1f} GB, f16 {28110 * s16 / n / 1e9:.1f} GB")
worst = 0.0
for k in ["r", "g", "vel"]:
    ds = b["maps/" + k]
    sc = float(ds.attrs.get("scale_factor", 1.0))
    assert ds.dtype == np.float16 and ds.compression == "gzip" and ds.shuffle, k
    x = a["maps/" + k][:].astype(np.float64)
    y = ds[:].astype(np.float64) * sc
    tol = np.maximum(np.abs(x) * 2.0**-11, sc * 2.0**-25) * 1.0001
    worst = max(worst, float((np.abs(x - y) / tol).max()))
assert worst <= 1.0, worst
print(f"h5py {h5py.__version__} reads the f16 maps (gzip + shuffle) to half precision "
      f"of the f32 ones: worst error / bound {worst:.4f}")
PY
