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
if [ "$mode" != thread ]; then
  ctest "${args[@]}"
  exit
fi
# TSan runs the GUI programs' tests (label gui: the desktop app's, the viewer's, the GL
# renderer's) apart, with two changes that remove what TSan cannot see through, not what it can
# check:
# - Qt's GLib event loop hands memory between GLib's threads through primitives of an
#   uninstrumented library, and the GUI's own code runs inside its dispatch, so no suppression
#   could name it: Qt runs its own UNIX event loop instead (QT_NO_GLIB).
# - LibTorch's parallel regions run on one thread (OMP_THREAD_LIMIT): libgomp's barriers are
#   invisible to TSan, so a tensor a pool thread read looks racy when the window later frees the
#   model. The parallel regions, the chains split across them included, are checked by the core's
#   suites in the first pass, whose stacks the suppressions name.
status=0
ctest "${args[@]}" -LE gui || status=$?
QT_NO_GLIB=1 OMP_THREAD_LIMIT=1 ctest "${args[@]}" -L gui || status=$?
exit "$status"
