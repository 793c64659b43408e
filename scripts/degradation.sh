#!/usr/bin/env bash
# Issue 16's degradation study (beyond the paper): how σ and bias of M* and Mtot grow with
# seeing, noise and an IFU footprint, for a CNN trained on the paper's ideal maps and one
# trained on MaNGA-like observed maps (docs/observing.md). Same galaxies, same split, same
# recipe; the test split of each condition's dataset is what both models are scored on.
#
#   scripts/degradation.sh GALMASS OUT [GALAXIES] [EPOCHS]
#
# GALMASS: a release build of galmass. Writes OUT/data/*.h5, OUT/{ideal,manga}/ (the runs),
# OUT/eval/<model>-<condition>/evaluation.json and OUT/degradation.md (the table).
set -euo pipefail
BIN=${1:?galmass binary}
OUT=${2:?output directory}
N=${3:-1000}
EPOCHS=${4:-20}
mkdir -p "$OUT/data" "$OUT/eval"

build() { # name, extra flags…
  local name=$1
  shift
  if [ ! -f "$OUT/data/$name.h5" ]; then
    "$BIN" dataset build --source mock --galaxies "$N" --seed 1 --image-size 60 \
      --out "$OUT/data/$name.h5" "$@"
  fi
}
# condition name → dataset build flags (all on the same galaxies and split).
build ideal
build psf0.25 --psf-fwhm-re 0.25
build psf0.5 --psf-fwhm-re 0.5
build psf1 --psf-fwhm-re 1
build snr5 --snr-re 5
build snr20 --snr-re 20
build ifu1.5 --ifu-re 1.5
build manga --conditions manga

train() { # name, dataset
  if [ ! -f "$OUT/$1/METRICS.json" ]; then
    "$BIN" train cnn --data "$OUT/data/$2.h5" --inputs rg,vel --targets mstar,mtot \
      --width 0.125 --epochs "$EPOCHS" --seed 1 --side-input --augment --out "$OUT/$1"
  fi
}
train ideal ideal
train manga manga

for model in ideal manga; do
  for cond in ideal psf0.25 psf0.5 psf1 snr5 snr20 ifu1.5 manga; do
    dir="$OUT/eval/$model-$cond"
    [ -f "$dir/evaluation.json" ] ||
      "$BIN" evaluate --data "$OUT/data/$cond.h5" --cnn "$OUT/$model" --baseline mstar \
        --out "$dir" >/dev/null
  done
done

python3 - "$OUT" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
conds = [("ideal", "ideal maps (the paper's)"), ("psf0.25", "seeing FWHM 0.25 R_e"),
         ("psf0.5", "seeing FWHM 0.5 R_e"), ("psf1", "seeing FWHM 1 R_e"),
         ("snr5", "S/N 5 per pixel at R_e"), ("snr20", "S/N 20 per pixel at R_e"),
         ("ifu1.5", "IFU hexagon covering 1.5 R_e"),
         ("manga", "MaNGA-like: seeing 0.3–0.8 R_e, S/N 20, IFU 1.5 R_e, Voronoi S/N 10")]
def row(model, cond, target):
    ev = json.loads((out / "eval" / f"{model}-{cond}" / "evaluation.json").read_text())
    r = next(x for x in ev["rows"] if x["model"] == "cnn" and x["target"] == target)
    return r["mean_dex"], r["sigma_dex"], r["n_test"]
lines = ["| test maps | n | M*: ideal-trained bias / σ | M*: MaNGA-trained bias / σ | Mtot: ideal-trained bias / σ | Mtot: MaNGA-trained bias / σ |",
         "|---|---|---|---|---|---|"]
for c, label in conds:
    cells = []
    for t in ("mstar", "mtot"):
        for m in ("ideal", "manga"):
            b, s, n = row(m, c, t)
            cells.append(f"{b:+.3f} / {s:.3f}")
    lines.append(f"| {label} | {n} | " + " | ".join(cells) + " |")
text = "\n".join(lines)
(out / "degradation.md").write_text(text + "\n")
print(text)
PY
