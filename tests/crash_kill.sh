#!/usr/bin/env bash
# Crash-safe checkpoints: `train` (a checkpoint every iteration) is killed with SIGKILL at random
# moments KILLS times, each run resuming the last. After every kill the run folder's checkpoint
# must pass ../shared/tools/safetensors_check.py (or the format check below when that is absent),
# load into a model, hold an iteration no lower than before, and the next run must remove any
# temporary file the kill left. Then SIGINT and SIGTERM must each save and exit 0.
#   crash_kill.sh CLI OUT [KILLS]
set -uo pipefail
source "$(dirname "$0")/cli_test_lib.sh"
kills="${3:-100}"
checker="$root/../shared/tools/safetensors_check.py"
run="$out/run"
ckpt="$run/checkpoint.safetensors"

small=(--preset toy2d --set model.ebm_width=16 --set model.gen_width=16 --set model.inf_width=16
       --set x.steps=3 --set z.steps=2 --set train.checkpoint_every=1 --set train.log_every=1
       --threads 1 --iterations 100000)

# The iteration a checkpoint's metadata holds (-1 when it cannot be read).
iteration_of() {
  /usr/bin/python3 - "$1" <<'PY' 2>/dev/null || echo -1
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
print(int(json.loads(raw[8:8 + n])["__metadata__"]["iteration"]))
PY
}

check_checkpoint() {  # after kill number $1
  [ -f "$ckpt" ] || return 0  # killed before the first save: nothing to check yet
  if [ -f "$checker" ] && ! /usr/bin/python3 "$checker" "$ckpt" > /dev/null 2> "$out/check.err"; then
    fail "kill $1: safetensors_check.py refused the checkpoint"; cat "$out/check.err"; return
  fi
  if ! "$cli" sample --checkpoint "$ckpt" --steps 1 --chains 2 --out "$out/load" \
      > /dev/null 2> "$out/load.err"; then
    fail "kill $1: the checkpoint does not load"; cat "$out/load.err"; return
  fi
  local it
  it="$(iteration_of "$ckpt")"
  if [ "$it" -lt "$last_iteration" ]; then
    fail "kill $1: the checkpoint went back from iteration $last_iteration to $it"
  fi
  last_iteration="$it"
}

last_iteration=0
tmp_seen=0
resumed=0
for i in $(seq 1 "$kills"); do
  if [ -f "$ckpt" ]; then
    args=(--resume "$ckpt" --threads 1 --iterations 100000 --out "$run")
    resumed=$((resumed + 1))
  else
    args=("${small[@]}" --out "$run" --overwrite)
  fi
  [ -f "$ckpt.tmp" ] && tmp_seen=$((tmp_seen + 1))
  "$cli" train "${args[@]}" > /dev/null 2> "$out/train.err" &
  pid=$!
  # 0.6 .. 2.6 s: past LibTorch's loading, into training and its checkpoint writes.
  sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
  sleep 0.6
  sleep "$((RANDOM % 2))"
  kill -KILL "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  check_checkpoint "$i"
done
echo "$kills kills: $resumed resumed runs, last checkpoint at iteration $last_iteration," \
     "$tmp_seen temporary files left by a kill (each removed by the next run)"
# The next run removes a temporary file a kill left.
touch "$ckpt.tmp"
"$cli" train --resume "$ckpt" --threads 1 --iterations 1 --out "$run" > /dev/null 2>&1 ||
  fail "a resume after the kills failed"
[ -f "$ckpt.tmp" ] && fail "the temporary file a kill left was not removed by the next run"

# SIGINT and SIGTERM save and exit 0.
for sig in INT TERM; do
  before="$(iteration_of "$ckpt")"
  "$cli" train --resume "$ckpt" --threads 1 --iterations 100000 --out "$run" \
    > "$out/sig.out" 2> "$out/sig.err" &
  pid=$!
  # Signal once it trains (a background job ignores SIGINT until the handler is installed).
  for _ in $(seq 1 600); do grep -q "run folder" "$out/sig.err" && break; sleep 0.1; done
  sleep 1
  kill -"$sig" "$pid"
  wait "$pid"
  rc=$?
  after="$(iteration_of "$ckpt")"
  if [ "$rc" -ne 0 ] || [ "$after" -le "$before" ] || ! grep -q "$ckpt" "$out/sig.out"; then
    fail "SIG$sig: exit $rc, checkpoint iteration $before -> $after"; cat "$out/sig.err" | tail -3
  fi
done
exit "$failures"
