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
  --set model.inf_width=32 --set dual_mcmc.x.steps=5 --iterations 20 --threads 2 --out "$out/run" 2>/dev/null
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

# Ablations train, evaluations of a toy model print their tables, the k_x/k_z sweep times.
"$cli" train --preset toy2d --set model.ebm_width=16 --set model.gen_width=16 \
  --set model.inf_width=16 --set train.mode=short-run --set x.init=uniform --set x.steps=3 \
  --iterations 3 --threads 1 --out "$out/short" 2>/dev/null
test -s "$out/short/checkpoint.safetensors"
grep -q 'mode = "short-run"' "$out/short/config.toml"
"$cli" eval-toy --checkpoint "$out/run/checkpoint.safetensors" --samples 200 --x-steps 3 \
  --out "$out/toy" | grep -q "MMD"
grep -q "^toy,samples,mmd2" "$out/toy/toy.csv"
"$cli" bench --sweep-preset toy2d --sweep-kx 1,2 --sweep-kz 1 --iterations 3 --threads 1 \
  --out "$out/sweep.csv" | grep -q "ms/iteration"
test "$(wc -l < "$out/sweep.csv")" -eq 3
# A method that samples level by level from noise: ms per iteration and per sample.
"$cli" bench --preset cdrl-toy2d --iterations 3 --repeats 3 --threads 1 --out "$out/cdrl.json" \
  > /dev/null
grep -q '"ms_per_sample"' "$out/cdrl.json"
grep -q '"method": "cdrl"' "$out/cdrl.json"
cdrl="$(dirname "$0")/../resources/checkpoints/cdrl-toy2d.safetensors"
"$cli" eval-toy --checkpoint "$cdrl" --samples 200 --out "$out/ctoy" | grep -q "initializer"
# Level samplers inpaint by replacement, interpolate in their top-level noise, run long chains.
cfm="$(dirname "$0")/../resources/checkpoints/cdrl-fmnist.safetensors"
"$cli" inpaint --checkpoint "$cfm" --images 2 --batch 2 --masks M20 --threads 1 \
  --out "$out/cinp" | grep -q "recovery ladder"
test -s "$out/cinp/examples.png"
"$cli" interpolate --checkpoint "$cfm" --rows 1 --points 3 --spherical --threads 1 \
  --out "$out/cint" > /dev/null
test -s "$out/cint/interpolation.png"
"$cli" sample --checkpoint "$cfm" --chains 2 --long-run 10 --out "$out/clong" \
  | grep -q "long run: 10 steps"
test -s "$out/clong/long_run.png"
if "$cli" eval-fd --checkpoint "$out/run/checkpoint.safetensors" --classifier "$out/none.st" \
  2> "$out/err.txt"; then
  echo "eval-fd on a 2-D model accepted"; exit 1
fi
grep -q "eval-toy" "$out/err.txt"

# A sampling preset over the checkpoint's settings, and a clear error for an unknown one.
"$cli" sample --checkpoint "$out/run/checkpoint.safetensors" --sampler paper-test --chains 4 \
  --out "$out/sampler" | grep -q "k_x = 70"
if "$cli" sample --checkpoint "$out/run/checkpoint.safetensors" --sampler no-such-sampler \
  --out "$out/sampler" 2> "$out/err.txt"; then
  echo "unknown sampler accepted"; exit 1
fi
grep -q "no-such-sampler" "$out/err.txt"

# Inpainting table and interpolation strips on the shipped image model (when the data exist).
fmnist="$(dirname "$0")/../resources/checkpoints/fmnist-small.safetensors"
if [ -d /usr/share/datasets/fashion-mnist ]; then
  "$cli" inpaint --checkpoint "$fmnist" --images 4 --batch 4 --masks M30 drop50 --z-steps 3 \
    --x-steps 2 --threads 1 --out "$out/inpaint" | grep -q "masked z-Langevin"
  test "$(wc -l < "$out/inpaint/inpaint.csv")" -eq 7
  test -s "$out/inpaint/examples.png"
  "$cli" interpolate --checkpoint "$fmnist" --ends data --rows 2 --points 5 --x-steps 2 \
    --threads 1 --out "$out/interp" | grep -q "interpolation.png"
  test "$(wc -l < "$out/interp/energy.csv")" -eq 11
fi
if "$cli" inpaint --checkpoint "$out/run/checkpoint.safetensors" --images 2 --out "$out/z" \
  2> "$out/err.txt"; then
  echo "inpainting a 2-D model accepted"; exit 1
fi
grep -q "image model" "$out/err.txt"

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
# BLAS kernels: a user's OPENBLAS_CORETYPE is left alone (the CLI restarts itself only where
# OpenBLAS fell back to its generic kernels and the user chose none).
kernels=$(OPENBLAS_CORETYPE=Sandybridge "$cli" bench --preset toy2d --device cpu --repeats 1 \
  --iterations 1 --synthetic | python3 -c 'import json, sys; print(json.load(sys.stdin)["blas_kernels"])')
[ -z "$kernels" ] || [ "$kernels" = "Sandybridge" ] ||
  { echo "OPENBLAS_CORETYPE=Sandybridge ran $kernels kernels"; exit 1; }
echo "cli smoke OK"
