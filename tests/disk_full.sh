#!/usr/bin/env bash
# A checkpoint that cannot be written (a file-size limit, as on a full disk: the write fails with
# EFBIG/ENOSPC) is an error that names the file and the cause; the previous checkpoint stays
# byte for byte, no temporary file is left, training runs to its end, and train exits 1 saying
# which checkpoint it kept.
#   disk_full.sh CLI OUT
set -uo pipefail
source "$(dirname "$0")/cli_test_lib.sh"
run="$out/run"
ckpt="$run/checkpoint.safetensors"

"$cli" train --preset toy2d --set model.ebm_width=16 --set model.gen_width=16 \
  --set model.inf_width=16 --set x.steps=3 --threads 1 --iterations 3 --out "$run" \
  > /dev/null 2>&1 || fail "the first run failed"
cp "$ckpt" "$out/previous"
size="$(stat -c %s "$ckpt")"
(
  ulimit -f $((size / 1024 - 4))  # KiB: the checkpoint no longer fits, config and losses do
  "$cli" train --resume "$ckpt" --threads 1 --iterations 4 --out "$run" > "$out/stdout" \
    2> "$out/stderr"
)
rc=$?
tr '\r' '\n' < "$out/stderr" | grep -v '^\[' > "$out/messages"
[ "$rc" -eq 1 ] || fail "exit code $rc after a failed save (want 1)"
grep -q "checkpoint.safetensors.tmp failed: File too large" "$out/messages" ||
  fail "no message naming the file and the cause"
grep -q "kept: $ckpt (iteration 3)" "$out/messages" || fail "no word of the checkpoint kept"
grep -q "training finished at iteration 7" "$out/messages" || fail "training did not run to its end"
[ -s "$out/stdout" ] && fail "a checkpoint path was printed after a failed save"
cmp -s "$ckpt" "$out/previous" || fail "the previous checkpoint changed"
[ -e "$ckpt.tmp" ] && fail "a temporary file was left"
[ "$failures" -eq 0 ] || cat "$out/messages"
exit "$failures"
