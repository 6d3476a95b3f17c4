#!/usr/bin/env bash
# Sets everything up, builds, and runs the main job: the demo (Dual-MCMC on 8 Gaussians,
# about a minute) writing runs/demo/ with trajectory PNGs and curve CSVs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
export OPENBLAS_NUM_THREADS=1
exec build/app/ebm-lab-cli demo --out runs/demo "$@"
