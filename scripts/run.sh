#!/usr/bin/env bash
# Sets everything up, builds, and runs the main job: the desktop app on its shipped default
# (the fmnist-small model on Fashion-MNIST), which starts revising chains as soon as it opens.
# Without a display it runs under Xvfb for 20 s and saves a screenshot to runs/ebm-lab.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
export OPENBLAS_NUM_THREADS=1
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  mkdir -p runs
  echo "run: no display; running ebm-lab under Xvfb and saving runs/ebm-lab.png"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" build/app/ebm-lab --run-dir runs/gui \
    --screenshot runs/ebm-lab.png --after 20 "$@"
fi
exec build/app/ebm-lab --run-dir runs/gui "$@"
