#!/usr/bin/env bash
# Gathers the small Debian libraries the core, the CLI and the device tests build against
# (headers, CMake package files, libstb, zlib, toml++, GoogleTest) into one prefix folder, for a
# GPU machine that has PyTorch (and so a CUDA LibTorch) but none of these packages and no
# network. Run here, after scripts/setup.sh; copy the folder along; scripts/gpu_check.sh uses it.
# Usage: bash scripts/gpu_deps.sh [DIR]   (default .devdeps, ignored by git)
set -euo pipefail
D="${1:-.devdeps}"
A=/usr/lib/x86_64-linux-gnu
rm -rf "$D"
mkdir -p "$D/include" "$D/lib/x86_64-linux-gnu/cmake" "$D/share/cmake"
for h in nlohmann toml++ CLI stb gtest gmock zlib.h; do cp -r "/usr/include/$h" "$D/include/"; done
cp "$(ls /usr/include/zconf.h /usr/include/x86_64-linux-gnu/zconf.h 2>/dev/null | head -1)" "$D/include/"
cp -r $A/cmake/tomlplusplus $A/cmake/GTest "$D/lib/x86_64-linux-gnu/cmake/"
cp -r /usr/share/cmake/CLI11 /usr/share/cmake/nlohmann_json "$D/share/cmake/"
cp $A/libgtest.a $A/libgtest_main.a $A/libgmock.a $A/libgmock_main.a "$D/lib/x86_64-linux-gnu/"
cp -a $A/libtomlplusplus.so* "$D/lib/x86_64-linux-gnu/"
cp "$(readlink -f $A/libstb.so)" "$D/lib/x86_64-linux-gnu/libstb.so.0"
ln -sf libstb.so.0 "$D/lib/x86_64-linux-gnu/libstb.so"
cp "$(readlink -f $A/libz.so)" "$D/lib/x86_64-linux-gnu/libz.so.1"
ln -sf libz.so.1 "$D/lib/x86_64-linux-gnu/libz.so"
echo "$D: $(du -sh "$D" | cut -f1)"
