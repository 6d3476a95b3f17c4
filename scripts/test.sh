#!/usr/bin/env bash
# Sets everything up, builds, and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
export OPENBLAS_NUM_THREADS=1
ctest --test-dir build --output-on-failure --timeout 600
