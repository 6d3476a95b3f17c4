#!/usr/bin/env bash
# Installs the Debian 12 packages EBM Lab needs (only those missing), as root or via sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config python3
  libtorch-dev libopenblas0-pthread
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libstb-dev zlib1g-dev
  libgtest-dev
  qt6-base-dev libqcustomplot-dev libgl-dev xvfb xauth libgl1-mesa-dri
  dataset-fashion-mnist
)

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
