#!/usr/bin/env bash
# End-to-end run of the CLI: train a few iterations, sample, reconstruct, and bad input.
set -euo pipefail
cli="$1"
out="$2"
rm -rf "$out"
mkdir -p "$out"

"$cli" --help | grep -q "train"
"$cli" presets | grep -qx "toy2d"

"$cli" train --preset toy2d --set model.ebm_width=32 --set model.gen_width=32 \
  --set model.inf_width=32 --set x.steps=5 --iterations 20 --threads 2 --out "$out/run" 2>/dev/null
test -s "$out/run/checkpoint.safetensors"
test -s "$out/run/config.toml"
grep -q "^iteration,loss_E" "$out/run/losses.csv"

"$cli" sample --checkpoint "$out/run/checkpoint.safetensors" --steps 12 --every 3 --chains 8 \
  --out "$out/sample" | grep -q "x-revision"
test -s "$out/sample/trajectory.png"
head -1 "$out/sample/energy.csv" | grep -q "^step,step_size,noise,energy_0"
test "$(wc -l < "$out/sample/energy.csv")" -eq 14   # header + steps 0..12

"$cli" reconstruct --checkpoint "$out/run/checkpoint.safetensors" --steps 4 --chains 8 \
  --out "$out/recon" | grep -q "z-revision"
head -1 "$out/recon/mse.csv" | grep -q "^step,step_size,noise,mse_0"

# Bad input: clear messages, non-zero exit, no crash.
if "$cli" sample --checkpoint "$out/nope.safetensors" --out "$out/x" 2> "$out/err.txt"; then
  echo "missing checkpoint accepted"; exit 1
fi
grep -q "nope.safetensors" "$out/err.txt"
printf 'garbage' > "$out/bad.safetensors"
if "$cli" sample --checkpoint "$out/bad.safetensors" --out "$out/x" 2> "$out/err.txt"; then
  echo "corrupt checkpoint accepted"; exit 1
fi
grep -q "bad.safetensors" "$out/err.txt"
if "$cli" train --preset toy2d --set x.step_size=-1 --out "$out/y" 2> "$out/err.txt"; then
  echo "negative step size accepted"; exit 1
fi
grep -q "x.step_size" "$out/err.txt"
if "$cli" train --preset no-such-preset --out "$out/y" 2> "$out/err.txt"; then
  echo "unknown preset accepted"; exit 1
fi
grep -q "toy2d" "$out/err.txt"
echo "cli smoke OK"
