#!/usr/bin/env bash
# Installs the Debian 12 packages EBM Lab needs (only those missing), as root or via sudo.
#   bash scripts/setup.sh           what building, running and testing need
#   bash scripts/setup.sh --bench   also what bench/compare.sh needs (PyTorch for its Python twin)
#   bash scripts/setup.sh --fuzz    also what scripts/fuzz.sh needs (clang and libFuzzer)
# ctest's setup_packages test (tests/packaging) fails when the build uses a package that
# `packages` and their dependencies leave out.
set -euo pipefail

bench=0
fuzz=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    --fuzz) fuzz=1 ;;
    -h | --help) sed -n '2,5s/^# \?//p' "$0"; exit 0 ;;
    *) echo "setup: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config python3
  libtorch-dev libgloo-dev libopenblas0-pthread
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libstb-dev zlib1g-dev
  libgtest-dev
  qt6-base-dev libqt6opengl6-dev libqcustomplot-dev libgl-dev xvfb xauth libgl1-mesa-dri
  libepoxy-dev libglfw3-dev libimgui-dev
  dataset-fashion-mnist
)
# --bench: bench/bench_python.py imports torch and numpy (and tomllib, in python3 >= 3.11).
bench_packages=(python3-torch python3-numpy)
if [ "$bench" -eq 1 ]; then
  packages+=("${bench_packages[@]}")
fi
if [ "$fuzz" -eq 1 ]; then
  packages+=(clang libfuzzer-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "setup: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
