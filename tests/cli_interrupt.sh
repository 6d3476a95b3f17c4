#!/usr/bin/env bash
# Every long command stops on Ctrl-C (SIGINT) or SIGTERM: it exits 130, says it was interrupted
# and how far it got, and writes no result file. Each command is started with sizes that would
# run for minutes, signalled once it runs, and must have ended well before those minutes.
set -uo pipefail
source "$(dirname "$0")/cli_test_lib.sh"
fm="$root/resources/checkpoints/fmnist-small.safetensors"
toy="$root/resources/checkpoints/toy2d.safetensors"
cfm="$root/resources/checkpoints/cdrl-fmnist.safetensors"

# check NAME SIGNAL RESULT_FILE -- COMMAND...
check() {
  local name="$1" signal="$2" result="$3"
  shift 4
  "$@" > "$out/$name.out" 2> "$out/$name.err" &
  local pid=$!
  sleep 3
  kill -"$signal" "$pid" 2>/dev/null
  # Bounded wait: 30 s is far beyond "within a second" and far below the command's own length.
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
    echo "FAIL $name: still running 30 s after SIG$signal"
    failures=$((failures + 1))
    return
  fi
  wait "$pid"
  local rc=$?
  if [ "$rc" -ne 130 ]; then
    echo "FAIL $name: exit code $rc after SIG$signal (expected 130)"; cat "$out/$name.err"
    failures=$((failures + 1))
  elif ! grep -q "interrupted" "$out/$name.err"; then
    echo "FAIL $name: no 'interrupted' message"; cat "$out/$name.err"
    failures=$((failures + 1))
  elif [ -e "$result" ]; then
    echo "FAIL $name: wrote $result although interrupted"
    failures=$((failures + 1))
  else
    echo "ok   $name: $(grep interrupted "$out/$name.err" | tail -1)"
  fi
}

check eval-recon INT "$out/recon/recon.csv" -- \
  "$cli" eval-recon --checkpoint "$fm" --images 10000 --steps 0 50 --threads 1 --out "$out/recon"
check eval-ood TERM "$out/ood/ood.csv" -- \
  "$cli" eval-ood --checkpoint "$fm" --images 10000 --threads 1 --out "$out/ood"
check eval-toy INT "$out/toy/toy.csv" -- \
  "$cli" eval-toy --checkpoint "$toy" --samples 20000 --x-steps 2000 --threads 1 --out "$out/toy"
check inpaint INT "$out/inp/inpaint.csv" -- \
  "$cli" inpaint --checkpoint "$cfm" --images 1000 --batch 10 --threads 1 --out "$out/inp"
check interpolate TERM "$out/int/energy.csv" -- \
  "$cli" interpolate --checkpoint "$cfm" --rows 64 --points 12 --threads 1 --out "$out/int"
check bench INT "$out/bench.json" -- \
  "$cli" bench --preset fmnist-small --iterations 1000 --repeats 1000 --threads 1 \
  --out "$out/bench.json"
check train-classifier INT "$out/cls.safetensors" -- \
  "$cli" train-classifier --epochs 50 --threads 1 --out "$out/cls.safetensors"

# Sizes beyond what a command can do are refused at once with a message, not run for hours.
if "$cli" eval-toy --checkpoint "$toy" --samples 100000000 --out "$out/big" 2> "$out/big.err"; then
  echo "FAIL eval-toy accepted 100000000 samples"; failures=$((failures + 1))
elif ! grep -q "too many" "$out/big.err"; then
  echo "FAIL eval-toy: no message for 100000000 samples"; cat "$out/big.err"
  failures=$((failures + 1))
fi
# A signal while `train` is still loading its data (fmnist-small decodes 60 000 images) is not
# lost: the run stops as soon as it could start, saves what it has and exits 0 (train's contract:
# an interrupted run is a saved run).
"$cli" train --preset fmnist-small --iterations 100000 --threads 1 --out "$out/early" \
  > "$out/early.out" 2> "$out/early.err" &
pid=$!
sleep 0.8  # after main() installed its handler (LibTorch loads in ~0.4 s), before training
kill -TERM "$pid"
waited=0
while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 150 ]; do sleep 0.1; waited=$((waited + 1)); done
if kill -0 "$pid" 2>/dev/null; then
  kill -9 "$pid"; echo "FAIL train: still running 15 s after SIGTERM during load"
  failures=$((failures + 1))
else
  wait "$pid"
  rc=$?
  its=$(tr '\r' '\n' < "$out/early.err" | grep -o 'at iteration [0-9]*' | tail -1)
  if [ "$rc" -ne 0 ] || [ ! -f "$out/early/checkpoint.safetensors" ]; then
    echo "FAIL train: exit $rc, checkpoint $(ls "$out/early" 2>&1) after SIGTERM during load"
    cat "$out/early.err"; failures=$((failures + 1))
  else
    echo "ok   train: SIGTERM during load stopped it in $((waited / 10)) s, saved $its"
  fi
fi
exit "$failures"
