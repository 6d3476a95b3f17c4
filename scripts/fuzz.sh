#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang with ASan + UBSan) and runs each for SECONDS
# (default 60) from its seed corpus in tests/fuzz/corpus/<target>/, growing a working corpus in
# build-fuzz/corpus/<target>/. Prints executions, coverage and crashes per target; a crash's input
# is kept in build-fuzz/crashes/ (turn it into a regression test of the ordinary suite).
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs clang and libfuzzer-14-dev (bash scripts/setup.sh --fuzz installs them). The config and
# sampler targets link the whole core built instrumented: the first build takes ~10 more minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
build=build-fuzz
cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
ninja -C "$build" > "$build.build.log" 2>&1 || { tail -40 "$build.build.log"; exit 1; }
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in "$build"/fuzz_*; do targets+=("$(basename "$t" | sed 's/^fuzz_//')"); done
fi
mkdir -p "$build/crashes"
found=0
printf "%-12s %12s %8s %8s %s\n" target executions cov features crashes
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  log="$build/$t.log"
  touch "$log.start"  # crashes of this run are the files newer than this one
  OPENBLAS_NUM_THREADS=1 "$build/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=3072 \
    -malloc_limit_mb=1536 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$t-" "$build/corpus/$t" "tests/fuzz/corpus/$t" \
    > "$log" 2>&1
  execs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')"
  ft="$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')"
  crashes="$(find "$build/crashes" -name "$t-*" -newer "$log.start" | wc -l)"
  found=$((found + crashes))
  printf "%-12s %12s %8s %8s %s\n" "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
done
[ "$found" -eq 0 ]
