#!/usr/bin/env bash
# Numbers on the command line are checked before anything runs: out of range, NaN, inf, a
# negative seed or a word where a number belongs each fail with a message naming the option and
# the allowed range, and nothing is written.
set -uo pipefail
source "$(dirname "$0")/cli_test_lib.sh"
toy="$root/resources/checkpoints/toy2d.safetensors"

refused() {  # refused OPTION -- COMMAND...
  local option="$1"
  shift 2
  if "$@" > "$out/stdout" 2> "$out/stderr"; then
    echo "FAIL accepted: $*"; failures=$((failures + 1)); return
  fi
  if ! grep -q -- "$option: .*must be" "$out/stderr"; then
    echo "FAIL no message naming $option: $*"; cat "$out/stderr"; failures=$((failures + 1))
  fi
}

refused --iterations -- "$cli" train --iterations 0 --out "$out/a"
refused --iterations -- "$cli" train --iterations -5 --out "$out/a"
refused --seconds -- "$cli" train --seconds -1 --out "$out/a"
refused --threads -- "$cli" train --threads -5 --out "$out/a"
refused --autosave-minutes -- "$cli" train --autosave-minutes nan --out "$out/a"
refused --steps -- "$cli" sample --checkpoint "$toy" --steps -5 --out "$out/a"
refused --step-size -- "$cli" sample --checkpoint "$toy" --step-size -1 --out "$out/a"
refused --step-size -- "$cli" sample --checkpoint "$toy" --step-size nan --out "$out/a"
refused --step-size -- "$cli" sample --checkpoint "$toy" --step-size inf --out "$out/a"
refused --noise -- "$cli" sample --checkpoint "$toy" --noise -1 --out "$out/a"
refused --every -- "$cli" sample --checkpoint "$toy" --every 0 --out "$out/a"
refused --chains -- "$cli" sample --checkpoint "$toy" --chains 0 --out "$out/a"
refused --seed -- "$cli" sample --checkpoint "$toy" --seed -3 --out "$out/a"
refused --chains -- "$cli" inpaint --checkpoint "$toy" --chains 0 --out "$out/a"
refused --samples -- "$cli" eval-toy --checkpoint "$toy" --samples 1 --out "$out/a"
refused --images -- "$cli" eval-recon --checkpoint "$toy" --images ten --out "$out/a"
refused --lr -- "$cli" train-classifier --lr 0 --out "$out/a.safetensors"
refused --repeats -- "$cli" bench --repeats 0
if [ -e "$out/a" ] || [ -e "$out/a.safetensors" ]; then
  echo "FAIL a refused command wrote output"; failures=$((failures + 1))
fi

# A training run that fails exits non-zero, names the cause and prints no checkpoint path.
printf "x,y\n" > "$out/ten.csv"
for i in 1 2 3 4 5 6 7 8 9 10; do echo "0.$i,-0.$i" >> "$out/ten.csv"; done
if "$cli" train --preset toy2d --set data.kind=points --set "data.path=$out/ten.csv" \
  --iterations 3 --threads 1 --out "$out/few" > "$out/few.out" 2> "$out/few.err"; then
  echo "FAIL train with fewer points than a batch exited 0"; failures=$((failures + 1))
elif ! grep -q "more than its 9 training points" "$out/few.err" ||
     ! grep -q "no checkpoint was written" "$out/few.err" || [ -s "$out/few.out" ]; then
  echo "FAIL train failure not reported"; cat "$out/few.out" "$out/few.err"
  failures=$((failures + 1))
fi

# The run folder is checked before any training: a file as --out, and a folder that already
# holds a run, are refused at once and leave what is there untouched.
small=(--preset toy2d --set model.ebm_width=16 --set model.gen_width=16 --set model.inf_width=16
       --set x.steps=3 --set train.log_every=1 --threads 1)
touch "$out/afile"
if "$cli" train "${small[@]}" --iterations 2 --out "$out/afile" 2> "$out/err"; then
  echo "FAIL train into a file as --out exited 0"; failures=$((failures + 1))
elif ! grep -q "is a file, not a folder" "$out/err"; then
  echo "FAIL no message for a file as --out"; cat "$out/err"; failures=$((failures + 1))
fi
"$cli" train "${small[@]}" --iterations 4 --out "$out/run" > /dev/null 2>&1
cp "$out/run/checkpoint.safetensors" "$out/first.safetensors"
if "$cli" train "${small[@]}" --iterations 2 --out "$out/run" 2> "$out/err"; then
  echo "FAIL a new run into a run folder exited 0"; failures=$((failures + 1))
elif ! grep -q "already holds a run's checkpoint" "$out/err" ||
     ! cmp -s "$out/run/checkpoint.safetensors" "$out/first.safetensors"; then
  echo "FAIL a new run into a run folder was not refused cleanly"; cat "$out/err"
  failures=$((failures + 1))
fi
# --resume into the same folder continues losses.csv: iterations 1..4, then 5..7.
"$cli" train --resume "$out/run/checkpoint.safetensors" --threads 1 --iterations 3 \
  --out "$out/run" > /dev/null 2> "$out/err" || { echo "FAIL resume"; cat "$out/err"; }
iters="$(cut -d, -f1 "$out/run/losses.csv" | tail -n +2 | tr '\n' ' ')"
if [ "$iters" != "1 2 3 4 5 6 7 " ]; then
  echo "FAIL resumed losses.csv holds iterations '$iters', not 1..7"; failures=$((failures + 1))
fi
# --resume applies what may change between legs of a run and refuses the rest by name.
if "$cli" train --resume "$out/run/checkpoint.safetensors" --set model.ebm_width=32 \
    --iterations 1 --out "$out/run" 2> "$out/err"; then
  echo "FAIL --resume with a model change exited 0"; failures=$((failures + 1))
elif ! grep -q "model.ebm_width cannot change when resuming" "$out/err"; then
  echo "FAIL no message naming model.ebm_width"; cat "$out/err"; failures=$((failures + 1))
fi
if "$cli" train --resume "$out/run/checkpoint.safetensors" --preset fmnist-small \
    --iterations 1 --out "$out/run" 2> "$out/err" || ! grep -q "cannot be combined" "$out/err"; then
  echo "FAIL --resume with --preset was not refused"; failures=$((failures + 1))
fi
"$cli" train --resume "$out/run/checkpoint.safetensors" --set x.step_size=0.25 \
  --set train.lr_e=1e-5 --threads 1 --iterations 1 --out "$out/run" > /dev/null 2>&1
if ! grep -q "^step_size = 0.25" "$out/run/config.toml" || ! grep -q "^lr_e = 1e-5" "$out/run/config.toml"; then
  echo "FAIL --resume --set x.step_size / train.lr_e not applied"; failures=$((failures + 1))
fi
exit "$failures"
