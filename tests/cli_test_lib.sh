# Sourced by the command-line test scripts, called as SCRIPT CLI OUT [...]: the CLI, a fresh
# output folder, the source tree's root, and `fail`, which prints a failure and counts it (the
# scripts exit with the count).
cli="$1"
out="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rm -rf "$out"
mkdir -p "$out"
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
