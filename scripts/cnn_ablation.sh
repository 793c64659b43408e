#!/usr/bin/env bash
# Which parts of the CNN recipe matter, at quick scale: one CNN row (default r,vel → mstar,
# the quick grid's r_vel-mstar) trained with quick's settings, then again with one recipe
# change undone at a time. Prints the test σ (dex), best epoch and training time of each.
#
#   scripts/cnn_ablation.sh GALMASS DATA.h5 OUT_DIR
#
# GALMASS: the galmass binary (a release build: `cargo build --release -p galmass`); DATA.h5:
# the quick grid's dataset (`galmass dataset build --source mock --galaxies 1000 --seed 1
# --image-size 60`, or OUT/data/mock-1000.h5 of `reproduce --scale quick`). Runs JOBS (2)
# trainings at a time with one thread each, as `reproduce` does. Environment: INPUTS (r,vel),
# TARGETS (mstar), EPOCHS (20), SEED (1), ONLY (space-separated variant names).
set -euo pipefail
[ $# -eq 3 ] || {
  sed -n '2,12p' "$0" >&2
  exit 2
}
G=$1 DATA=$2 OUT=$3
INPUTS=${INPUTS:-r,vel} TARGETS=${TARGETS:-mstar} EPOCHS=${EPOCHS:-20} SEED=${SEED:-1}
JOBS=${JOBS:-2}
[ -x "$G" ] || { echo "error: $G is not an executable" >&2; exit 2; }
[ -f "$DATA" ] || { echo "error: $DATA: no such dataset file" >&2; exit 2; }
mkdir -p "$OUT"

# quick's recipe (reproduce --scale quick): cell-luminosity light planes, standardised side
# input and targets, AdamW 2e-3 with warm-up + per-step cosine, batch 20, augmentation.
BASE=(train cnn --data "$DATA" --inputs "$INPUTS" --targets "$TARGETS" --image-size 60
  --width 0.125 --batch 20 --lr 0.002 --device cpu --seed "$SEED" --side-input)
declare -A VARIANT=(
  [recipe]="--epochs $EPOCHS --augment"
  [sb_planes]="--epochs $EPOCHS --augment --norm physical"
  [raw_scalars]="--epochs $EPOCHS --augment --standardise false"
  [adam_epoch_cosine]="--epochs $EPOCHS --augment --optimizer adam --schedule cosine"
  [no_augment]="--epochs $EPOCHS"
  [double_epochs]="--epochs $((2 * EPOCHS)) --augment"
)
NAMES=(recipe sb_planes raw_scalars adam_epoch_cosine no_augment double_epochs)
[ -n "${ONLY:-}" ] && read -r -a NAMES <<<"$ONLY"

run() {
  local name=$1
  # shellcheck disable=SC2086
  RAYON_NUM_THREADS=1 "$G" "${BASE[@]}" ${VARIANT[$name]} --out "$OUT/$name" \
    >"$OUT/$name.log" 2>&1 || echo "variant $name failed: see $OUT/$name.log" >&2
}

running=0
for name in "${NAMES[@]}"; do
  [ -n "${VARIANT[$name]:-}" ] || { echo "error: unknown variant $name" >&2; exit 2; }
  if [ -f "$OUT/$name/METRICS.json" ]; then continue; fi
  run "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

# Each variant as a bundle, probed on the gallery: light ×10 and R_hsm ×2 (galmass probe).
GALLERY="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/www/examples/gallery.json"
for name in "${NAMES[@]}"; do
  [ -f "$OUT/$name/METRICS.json" ] || continue
  [ -f "$OUT/$name.probe.json" ] && continue
  "$G" export --cnn "$OUT/$name" --data "$DATA" --out "$OUT/$name.bundle" >/dev/null &&
    "$G" probe --bundle "$OUT/$name.bundle" --examples "$GALLERY" --json >"$OUT/$name.probe.json" ||
    rm -f "$OUT/$name.probe.json"
done

python3 - "$OUT" "${NAMES[@]}" <<'EOF'
import json, sys, pathlib
out, names = pathlib.Path(sys.argv[1]), sys.argv[2:]
base = None
def fmt(moved, probe, t):
    v = moved.get((probe, t))
    return "" if v is None else f"{v:+.2f}"
print(f"{'variant':<20} {'target':<6} {'sigma':>7} {'vs recipe':>9} {'best':>7} {'train s':>8}"
      f" {'light x10':>9} {'R x2':>6}")
for n in names:
    p = out / n / "METRICS.json"
    if not p.exists():
        print(f"{n:<20} (no METRICS.json)")
        continue
    m = json.loads(p.read_text())
    probe = out / f"{n}.probe.json"
    moved = {}
    if probe.exists():
        for r in json.loads(probe.read_text()):
            moved[(r["probe"], r["target"])] = r["median_dex"]
    for t, r in m["per_target"].items():
        s = r["sigma_dex"]
        if n == "recipe":
            base = base or {}
            base[t] = s
        d = f"{s - base[t]:+.4f}" if base and t in base else ""
        print(f"{n:<20} {t:<6} {s:7.4f} {d:>9} {m['best_epoch']:>3}/{m['epochs']:<3} "
              f"{m['train_seconds']:8.0f} {fmt(moved, 'light ×10', t):>9} {fmt(moved, 'R_hsm ×2', t):>6}")
EOF
