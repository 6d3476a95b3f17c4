#!/usr/bin/env bash
# `train --nproc-per-node 2` (c10d, Gloo over 127.0.0.1): the job trains and rank 0 alone writes
# the run and prints its checkpoint; the checkpoint resumes in one process; Ctrl-C reaches every
# rank, which save and exit 0; a rank killed mid-run ends the job with an error naming it within
# seconds, not a hang, and rank 0 saves the model it has.
#   data_parallel_cli.sh CLI OUT
set -uo pipefail
source "$(dirname "$0")/cli_test_lib.sh"
small=(--preset toy2d --set model.ebm_width=16 --set model.gen_width=16 --set model.inf_width=16
       --set x.steps=3 --set z.steps=2 --set train.batch_size=64 --threads 1)
iteration_of() {
  /usr/bin/python3 - "$1" <<'PY' 2>/dev/null || echo -1
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
print(int(json.loads(raw[8:8 + n])["__metadata__"]["iteration"]))
PY
}
# Waits up to $2 seconds for process $1 to end; 0 if it did.
ended_within() {
  local waited=0
  while kill -0 "$1" 2>/dev/null && [ "$waited" -lt $(($2 * 10)) ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  ! kill -0 "$1" 2>/dev/null
}

run="$out/run"
"$cli" train --nproc-per-node 2 "${small[@]}" --iterations 6 --out "$run" > "$out/job.out" \
  2> "$out/job.err"
rc=$?
[ "$rc" -eq 0 ] || { fail "the two-rank job exited $rc"; cat "$out/job.err"; }
[ "$(cat "$out/job.out")" = "$run/checkpoint.safetensors" ] ||
  fail "stdout should be rank 0's checkpoint path once, was: $(cat "$out/job.out")"
[ "$(iteration_of "$run/checkpoint.safetensors")" = 6 ] || fail "the checkpoint is not at iteration 6"
grep -q "data-parallel: 2 ranks, 32 examples of each batch of 64 per rank" "$out/job.err" ||
  fail "no word of the ranks' shares"

"$cli" train --resume "$run/checkpoint.safetensors" --iterations 2 --threads 1 --out "$run" \
  > /dev/null 2> "$out/resume.err" || { fail "resuming on one process failed"; cat "$out/resume.err"; }
[ "$(iteration_of "$run/checkpoint.safetensors")" = 8 ] || fail "the one-process leg did not reach 8"

# Ctrl-C to the launcher: every rank saves, the job exits 0.
"$cli" train --nproc-per-node 2 "${small[@]}" --iterations 1000000 --out "$out/int" \
  > /dev/null 2> "$out/int.err" &
pid=$!
for _ in $(seq 1 300); do [ -f "$out/int/losses.csv" ] || [ -f "$out/int/config.toml" ] && break; sleep 0.1; done
sleep 2
kill -INT "$pid"
if ended_within "$pid" 20; then
  wait "$pid"
  rc=$?
  [ "$rc" -eq 0 ] || { fail "an interrupted job exited $rc"; cat "$out/int.err"; }
  [ -f "$out/int/checkpoint.safetensors" ] || fail "an interrupted job saved nothing"
else
  fail "the job still ran 20 s after Ctrl-C"; pkill -9 -P "$pid"; kill -9 "$pid"
fi

# A rank killed mid-run: the job ends with the rank named.
"$cli" train --nproc-per-node 2 "${small[@]}" --iterations 1000000 --out "$out/kill" \
  > /dev/null 2> "$out/kill.err" &
pid=$!
sleep 4
victim="$(pgrep -P "$pid" | tail -1)"
[ -n "$victim" ] && kill -9 "$victim"
if ended_within "$pid" 60; then
  wait "$pid"
  rc=$?
  [ "$rc" -ne 0 ] || fail "a job that lost a rank exited 0"
  grep -q "rank 1 exited with code 137 (killed by signal 9" "$out/kill.err" ||
    { fail "the lost rank is not named"; cat "$out/kill.err"; }
  # Rank 0 keeps what it trained: the model is saved and named, whichever rank was reaped first.
  [ -f "$out/kill/checkpoint.safetensors" ] && grep -q "kept: $out/kill/checkpoint.safetensors" "$out/kill.err" ||
    { fail "rank 0 did not keep its model when the job lost a rank"; cat "$out/kill.err"; }
else
  fail "the job still ran 60 s after a rank was killed"; pkill -9 -P "$pid"; kill -9 "$pid"
fi
exit "$failures"
