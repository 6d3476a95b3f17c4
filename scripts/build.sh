#!/usr/bin/env bash
# Configures and builds EBM Lab (Release) into build/. Extra arguments go to CMake, e.g.
#   scripts/build.sh -DCMAKE_PREFIX_PATH=/opt/libtorch   (a CUDA-enabled LibTorch 2.x)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$jobs"
