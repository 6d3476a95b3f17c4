#!/usr/bin/env bash
# A run folder that turns read-only: a run that cannot write its folder is refused before it
# trains; one whose folder turns read-only mid-run names the file and the cause at the next
# checkpoint, keeps training, and on Ctrl-C exits 1 saying which checkpoint it kept, which still
# loads; a temporary file it could not remove is removed by the next run. As root (CI),
# permissions do not bind, so the runs drop to the user `nobody` (setpriv); the test is skipped
# (exit 77) when neither works.
#   readonly_folder.sh CLI OUT
set -uo pipefail
source "$(dirname "$0")/cli_test_lib.sh"
chmod 755 "$out"
run="$out/run"
ckpt="$run/checkpoint.safetensors"
mkdir "$run"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  if ! command -v setpriv > /dev/null || ! setpriv --reuid=65534 --regid=65534 --clear-groups true
  then
    echo "SKIP: root without setpriv"; exit 77
  fi
  chown 65534:65534 "$run"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  # nobody must reach the binary and its libraries
  "${as_user[@]}" "$cli" --help > /dev/null 2>&1 || { echo "SKIP: nobody cannot run $cli"; exit 77; }
fi
small=(--set model.ebm_width=16 --set model.gen_width=16 --set model.inf_width=16
       --set x.steps=3 --set z.steps=2 --threads 1)

"${as_user[@]}" "$cli" train --preset toy2d "${small[@]}" --iterations 3 --out "$run" \
  > /dev/null 2>&1 || fail "the first run failed"
cp "$ckpt" "$out/previous"

# 1. Refused before training: nothing trains that could not be saved.
chmod 555 "$run"
"${as_user[@]}" "$cli" train --resume "$ckpt" --iterations 2 --out "$run" > "$out/stdout1" \
  2> "$out/stderr1"
rc=$?
[ "$rc" -ne 0 ] || fail "a read-only run folder was accepted (exit 0)"
grep -qi "not writable\|permission denied\|cannot write" "$out/stderr1" ||
  { fail "no message about the read-only folder"; cat "$out/stderr1"; }
grep -q "iteration" "$out/stderr1" && grep -q "training finished" "$out/stderr1" &&
  fail "it trained into a folder it could not write"
cmp -s "$ckpt" "$out/previous" || fail "the checkpoint changed after a refused run"

# 2. Read-only mid-run: a checkpoint every iteration, the folder locked after a few.
chmod 755 "$run"
"${as_user[@]}" "$cli" train --resume "$ckpt" --set train.checkpoint_every=1 \
  --set train.log_every=1 --iterations 100000 --out "$run" > "$out/stdout2" 2> "$out/stderr2" &
pid=$!
for _ in $(seq 1 300); do  # until it has saved past the first run's iteration
  [ "$(wc -l < "$run/losses.csv" 2>/dev/null || echo 0)" -gt 6 ] && break
  sleep 0.1
done
chmod 555 "$run"
sleep 2
kill -0 "$pid" 2> /dev/null || fail "training stopped when its folder became read-only"
kill -INT "$pid"
wait "$pid"
rc=$?
chmod 755 "$run"
tr '\r' '\n' < "$out/stderr2" | grep -v '^\[' > "$out/messages"
[ "$rc" -eq 1 ] || fail "exit code $rc after failed saves (want 1)"
grep -q "Permission denied" "$out/messages" || fail "no message naming the cause"
grep -q "kept: $ckpt (iteration" "$out/messages" || fail "no word of the checkpoint kept"
[ -s "$out/stdout2" ] && fail "a checkpoint path was printed after a failed save"
# A temporary file written just before the folder was locked cannot be removed from a read-only
# folder; the next run in the folder must remove it.
if [ -e "$ckpt.tmp" ]; then
  "${as_user[@]}" "$cli" train --resume "$ckpt" --iterations 1 --out "$run" > /dev/null 2>&1 ||
    fail "the run after the read-only one failed"
  [ -e "$ckpt.tmp" ] && fail "a temporary file was left after the next run"
fi
"$cli" sample --checkpoint "$ckpt" --steps 1 --chains 2 --out "$out/load" > /dev/null 2>&1 ||
  fail "the kept checkpoint does not load"
[ "$failures" -eq 0 ] || cat "$out/stderr1" "$out/messages"
exit "$failures"
