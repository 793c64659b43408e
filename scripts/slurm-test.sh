#!/usr/bin/env bash
# The real-Slurm test of `galmass cluster` (README "On a cluster"). It starts a single-node
# Slurm cluster on 127.0.0.1 from Debian's packages — slurmctld and slurmd as this script's
# own processes, `auth/none` so no munge daemon is needed, stopped at the end — then:
#
#  1. a 4-shard dataset build of 40 mock galaxies plus the merge, with one shard cancelled
#     (scancel of its index) and resubmitted by `galmass cluster submit`; the merged file must
#     equal a single local build in every dataset and attribute but `created` (h5diff);
#  2. a 2-row reproduce sweep (one CNN row, one GBDT row) whose CNN task is cancelled mid-run
#     after its second epoch's checkpoint and resubmitted: it resumes, and the gathered
#     report must equal a local `galmass reproduce --only` of the same rows;
#  3. a 2-seed CNN ensemble (a train array, then an export array): both bundles exist,
#     `predict` reads them as one ensemble, and a member equals a local `train cnn` of its seed;
#  4. a site option Slurm rejects (an unknown partition): exit 2 and no job directory.
#
#   scripts/slurm-test.sh            # builds galmass (debug) unless GALMASS_BIN is set
#   GALMASS_BIN=path/to/galmass scripts/slurm-test.sh [--keep]
#
# Installs when missing (apt-get, as root or through sudo): slurmctld, slurmd, slurm-client,
# hdf5-tools (h5diff) and jq.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/system.sh
source scripts/lib/system.sh
KEEP=0
[ "${1:-}" = "--keep" ] && KEEP=1

apt_ensure slurmctld:/usr/sbin/slurmctld slurmd:/usr/sbin/slurmd slurm-client:cmd/sbatch \
  hdf5-tools:cmd/h5diff jq:cmd/jq

if [ -z "${GALMASS_BIN:-}" ]; then
  cargo build -p galmass
  GALMASS_BIN="${CARGO_TARGET_DIR:-target}/debug/galmass"
fi
G=$(realpath "$GALMASS_BIN")
T=$(mktemp -d /tmp/galmass-slurm.XXXXXX)
T0=$(date +%s)

fail() {
  echo "FAILED: $*" >&2
  exit 1
}
step() { echo; echo "==> $* ($(($(date +%s) - T0)) s)"; }

# ------------------------------------------------------------------ the cluster
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 30000))
    port_free "$p" && port_free "$((p + 1))" && { echo "$p"; return; }
  done
  fail "no free port pair for slurmctld/slurmd"
}
PORT=$(pick_port)
HOST=$(hostname -s)
# Two CPUs (one if that is all there is): two tasks run at once and the others wait, so the
# shard cancelled right after submission is still waiting.
CPUS=$(($(nproc) < 2 ? $(nproc) : 2))
USER_NAME=$(id -un)
mkdir -p "$T/slurm/state" "$T/slurm/spool"
export SLURM_CONF="$T/slurm/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=galmass-test
SlurmctldHost=${HOST}(127.0.0.1)
SlurmctldPort=${PORT}
SlurmdPort=$((PORT + 1))
AuthType=auth/none
CredType=cred/none
SlurmUser=${USER_NAME}
SlurmdUser=${USER_NAME}
StateSaveLocation=$T/slurm/state
SlurmdSpoolDir=$T/slurm/spool
SlurmctldPidFile=$T/slurm/slurmctld.pid
SlurmdPidFile=$T/slurm/slurmd.pid
SlurmctldLogFile=$T/slurm/slurmctld.log
SlurmdLogFile=$T/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
KillWait=30
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

PIDS=()
cleanup() {
  local rc=$?
  [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null && wait "${PIDS[@]}" 2>/dev/null
  if [ "$rc" -ne 0 ]; then
    echo "--- slurmctld.log (tail)" >&2
    tail -n 20 "$T/slurm/slurmctld.log" >&2 || true
    echo "--- files kept in $T" >&2
  elif [ "$KEEP" = 0 ]; then
    rm -rf "$T"
  else
    echo "files kept in $T"
  fi
  exit "$rc"
}
trap cleanup EXIT

step "starting slurmctld and slurmd on 127.0.0.1:${PORT} (config $SLURM_CONF)"
slurmctld -D -i -f "$SLURM_CONF" >"$T/slurm/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >"$T/slurm/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo -h -o %T | grep -q idle || fail "the node did not come up: $(sinfo 2>&1)"
sinfo

wait_queue() {
  for _ in $(seq 900); do
    [ -z "$(squeue -h 2>/dev/null)" ] && return 0
    sleep 1
  done
  squeue
  fail "jobs still queued after 900 s"
}

# ------------------------------------------------------------------ 1. sharded build
step "1. 4-shard dataset build of 40 mock galaxies + merge"
BUILD=(--source mock --galaxies 40 --seed 3 --image-size 60)
out=$("$G" cluster dataset --jobdir "$T/ds" --shards 4 --out "$T/merged.h5" -- "${BUILD[@]}")
echo "$out"
job=$(sed -n 's/^submitted build as job \([0-9]*\).*/\1/p' <<<"$out")
[ -n "$job" ] || fail "no build job id in: $out"
scancel "${job}_3"
echo "cancelled task 3 of job $job"
wait_queue
"$G" cluster status "$T/ds"
[ ! -e "$T/merged.h5" ] || fail "the merge ran although shard 3 was cancelled"
state=$("$G" cluster status "$T/ds" --json | jq -r 'select(.stage == "build" and .index == 3) | .state')
case $state in lost | failed) ;; *) fail "the cancelled shard 3 should be 'lost' (or 'failed' if it had started), is '$state'" ;; esac
out=$("$G" cluster submit "$T/ds")
echo "$out"
grep -q "^submitted build as job [0-9]* array 3 (1 task)" <<<"$out" || fail "only shard 3 should be resubmitted"
grep -q "^submitted merge as job" <<<"$out" || fail "the merge should be resubmitted"
wait_queue
"$G" cluster status "$T/ds"
[ -f "$T/merged.h5" ] || fail "no merged file"
[ "$("$G" cluster status "$T/ds" --json | jq -s 'map(select(.state == "done")) | length')" = 5 ] ||
  fail "not every task is done"

step "1. the merged file against a single local build"
"$G" dataset build "${BUILD[@]}" --out "$T/local.h5" | tail -n 1
# h5diff compares every dataset and every attribute; only the creation time may differ.
set +e
h5diff -v "$T/local.h5" "$T/merged.h5" >"$T/h5diff.txt"
set -e
differing=$(awk '/^(attribute|dataset|group): /{what=$0} /^[0-9]+ differences? found/{if ($1 > 0) print what}' "$T/h5diff.txt")
n_objects=$(grep -c '^\(attribute\|dataset\): ' "$T/h5diff.txt" || true)
echo "h5diff compared $n_objects datasets and attributes; differing: ${differing:-none}"
[ "$differing" = "attribute: <created of </>> and <created of </>>" ] ||
  fail "the merged file differs from the single build in: $differing"
[ "$n_objects" -ge 30 ] || fail "h5diff compared only $n_objects objects"

# ------------------------------------------------------------------ 2. training sweep
step "2. reproduce sweep (r_vel-mstar, gbdt-mstar) on Slurm, the CNN task cancelled mid-run"
REPRO=(--scale quick --galaxies 40 --seed 3 --epochs 30 --only r_vel-mstar,gbdt-mstar)
out=$("$G" cluster reproduce --jobdir "$T/sw" --shards 2 -- "${REPRO[@]}" --out "$T/sw-report")
echo "$out"
rows=$(sed -n 's/^submitted rows as job \([0-9]*\).*/\1/p' <<<"$out")
[ -n "$rows" ] || fail "no rows job id in: $out"
ck="$T/sw-report/cnn/r_vel-mstar/checkpoint.json"
for _ in $(seq 600); do
  [ -f "$ck" ] && [ "$(jq .epochs_done "$ck")" -ge 2 ] && break
  sleep 0.5
done
[ -f "$ck" ] || fail "the CNN row wrote no checkpoint"
scancel "${rows}_0"
echo "cancelled task 0 (r_vel-mstar) of job $rows after epoch $(jq .epochs_done "$ck")"
wait_queue
"$G" cluster status "$T/sw"
[ ! -e "$T/sw-report/report.json" ] || fail "the gather ran although a row was cancelled"
state=$("$G" cluster status "$T/sw" --json | jq -r 'select(.stage == "rows" and .index == 0) | .state')
[ "$state" = stopped ] || fail "the cancelled CNN task should be 'stopped' (checkpoint written), is '$state'"
done_before=$(jq .epochs_done "$ck")
out=$("$G" cluster submit "$T/sw")
echo "$out"
grep -q "^submitted rows as job [0-9]* array 0 (1 task)" <<<"$out" || fail "only row 0 should be resubmitted"
rows2=$(sed -n 's/^submitted rows as job \([0-9]*\).*/\1/p' <<<"$out")
wait_queue
"$G" cluster status "$T/sw"
[ -f "$T/sw-report/report.json" ] || fail "no gathered report"
grep -q -- '^\$ galmass train cnn .* --resume$' "$T/sw/logs/rows-${rows2}_0.out" ||
  fail "the resubmitted CNN task did not resume its checkpoint"
epochs=$(($(wc -l <"$T/sw-report/cnn/r_vel-mstar/curves.csv") - 1))
[ "$epochs" = 30 ] || fail "curves.csv has $epochs epochs, want 30 (nothing lost, nothing repeated)"
echo "resumed after epoch $done_before; curves.csv holds epochs 1–$epochs once each"

step "2. the gathered report against a local reproduce of the same rows"
"$G" reproduce "${REPRO[@]}" --out "$T/local-report" 2>/dev/null | tail -n 1
norm='del(.commands, .settings.wall_seconds, .settings.data) | .rows |= map(del(.train_seconds))'
jq -S "$norm" "$T/sw-report/report.json" >"$T/a.json"
jq -S "$norm" "$T/local-report/report.json" >"$T/b.json"
diff "$T/a.json" "$T/b.json" || fail "the gathered report differs from the local one"
jq -r '.rows[] | "  \(.id) → \(.target): σ = \(.sigma_dex) dex"' "$T/a.json"
echo "gathered report = local report (rows, baselines, importances, checks)"

# ------------------------------------------------------------------ 3. ensemble
step "3. a 2-seed CNN ensemble on the merged file"
TRAIN=(--data "$T/merged.h5" --inputs r,vel --targets mstar --width 0.125 --epochs 3 --side-input)
"$G" cluster ensemble --jobdir "$T/en" --seeds 1,2 --out "$T/ens" -- "${TRAIN[@]}"
wait_queue
"$G" cluster status "$T/en"
for s in 1 2; do [ -f "$T/ens/cnn-seed-$s.bundle" ] || fail "no bundle for seed $s"; done
"$G" predict --bundle "$T/ens/cnn-seed-1.bundle" --bundle "$T/ens/cnn-seed-2.bundle" \
  --data "$T/merged.h5" --split test --out "$T/ens-pred.csv" | tail -n 1
head -n 1 "$T/ens-pred.csv" | grep -q mstar_spread_dex || fail "predict did not read the two bundles as an ensemble"
"$G" train cnn "${TRAIN[@]}" --seed 2 --out "$T/local-seed-2" | tail -n 1
cmp "$T/ens/seed-2/test_predictions.csv" "$T/local-seed-2/test_predictions.csv" ||
  fail "the cluster's seed-2 member differs from a local train cnn --seed 2"
echo "ensemble: 2 bundles; member seed 2 = local train cnn --seed 2 (test predictions byte for byte)"

# ------------------------------------------------------------------ 4. site refusal
step "4. a partition Slurm does not know"
set +e
msg=$("$G" cluster dataset --jobdir "$T/bad" --partition nosuch --shards 2 --out "$T/bad.h5" \
  -- --source mock --galaxies 4 2>&1)
rc=$?
set -e
echo "$msg"
[ "$rc" = 2 ] || fail "exit status $rc, want 2"
grep -qi "partition" <<<"$msg" || fail "the message should carry Slurm's reason"
[ ! -e "$T/bad" ] || fail "a refused submission left $T/bad"
[ -z "$(squeue -h)" ] || fail "a refused submission left jobs queued"

step "all Slurm tests passed"
