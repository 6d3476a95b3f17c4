#!/usr/bin/env bash
# Builds the project with sanitizers in build-<mode>/ and runs the test suite there (the GUI tests
# under Xvfb as in the ordinary suite).
#   bash scripts/sanitize.sh address [CTEST_REGEX]          ASan + UBSan (leaks included)
#   bash scripts/sanitize.sh thread  [CTEST_REGEX]          TSan
#   bash scripts/sanitize.sh address --core [GTEST_FILTER]  only the core's tests (what CI runs)
# A regex limits the tests (e.g. "ui_main_window"); the build is the same.
# Suppressions, each justified where it is written: scripts/sanitizers/*.supp.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
shift || true
core=0
if [ "${1:-}" = "--core" ]; then
  core=1
  shift
fi
pattern="${1:-}"
case "$mode" in
  address) flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" ;;
  thread) flags="-fsanitize=thread -fno-omit-frame-pointer" ;;
  *) echo "usage: sanitize.sh address|thread [--core] [PATTERN]" >&2; exit 2 ;;
esac
build="build-$mode"
supp="$PWD/scripts/sanitizers"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DCMAKE_SHARED_LINKER_FLAGS="$flags" > /dev/null
export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
export TSAN_OPTIONS="suppressions=$supp/tsan.supp:halt_on_error=1:second_deadlock_stack=1"
if [ "$core" -eq 1 ]; then
  ninja -C "$build" -j"$(nproc)" ebm_core_tests
  filter="${pattern:-*}"
  "$build/tests/ebm_core_tests" --gtest_filter="$filter:-*CUDA*"
  exit
fi
ninja -C "$build" -j"$(nproc)"
args=(--test-dir "$build" --output-on-failure --timeout 1800 -j2)
[ -n "$pattern" ] && args+=(-R "$pattern")
ctest "${args[@]}"
