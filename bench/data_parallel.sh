#!/usr/bin/env bash
# Seconds per training iteration of one process against a data-parallel job of N local ranks
# (`train --nproc-per-node N`), the same preset and global batch, one intra-op thread per process.
# The time of a short run is subtracted from a longer one, so start-up and the rendezvous drop out.
#   bash bench/data_parallel.sh [PRESET] [RANKS] [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-fmnist-small}"
ranks="${2:-2}"
iters="${3:-40}"
cli=build/app/ebm-lab-cli
export OPENBLAS_NUM_THREADS=1
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

seconds() {  # seconds of `train` for $1 iterations with extra args
  local n="$1"
  shift
  local t0 t1
  t0=$(date +%s.%N)
  "$cli" train --preset "$preset" --threads 1 --iterations "$n" --out "$out/r$RANDOM" "$@" \
    > /dev/null 2>&1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
per_iteration() {  # s/iteration from a 5-iteration and an $iters-iteration run
  local short long
  short=$(seconds 5 "$@")
  long=$(seconds "$iters" "$@")
  awk -v s="$short" -v l="$long" -v n="$iters" 'BEGIN { printf "%.4f", (l - s) / (n - 5) }'
}
one=$(per_iteration)
many=$(per_iteration --nproc-per-node "$ranks")
awk -v p="$preset" -v r="$ranks" -v a="$one" -v b="$many" 'BEGIN {
  printf "%s: 1 process %.3f s/iteration (%.2f it/s); %d ranks %.3f s/iteration (%.2f it/s): %.2fx\n",
         p, a, 1 / a, r, b, 1 / b, a / b }'
