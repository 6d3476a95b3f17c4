#!/usr/bin/env bash
# Long runs with their memory sampled once a minute, written as CSV (and an SVG plot):
#   bash scripts/soak.sh cli MINUTES OUTDIR   `ebm-lab-cli train` on fmnist-small (one thread);
#                                              VmRSS from /proc/<pid>/status
#   bash scripts/soak.sh app MINUTES OUTDIR   `ebm-lab` under Xvfb training fmnist-small with
#                                              its revisions repeating and the arena sampling on
#                                              repeat; memory, frame interval p99 and event-loop
#                                              stalls each minute (the app's --bench-csv)
# Prints the growth of resident memory from minute 2 (after the allocators warm up) to the end
# and exits 1 when it is 5 % or more. Uses the binaries in build/ (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
minutes="${2:-}"
out="${3:-}"
if [[ ! "$mode" =~ ^(cli|app)$ || ! "$minutes" =~ ^[0-9]+$ || "$minutes" -lt 3 || -z "$out" ]]; then
  echo "usage: soak.sh cli|app MINUTES(>=3) OUTDIR" >&2
  exit 2
fi
mkdir -p "$out"
export OPENBLAS_NUM_THREADS=1
seconds=$((minutes * 60))
csv="$out/$mode.csv"

if [ "$mode" = cli ]; then
  rm -rf "$out/run"
  build/app/ebm-lab-cli train --preset fmnist-small --threads 1 --out "$out/run" \
    --iterations 1000000000 --seconds "$seconds" > "$out/cli.log" 2>&1 &
  pid=$!
  trap 'kill -INT $pid 2>/dev/null || true' INT TERM
  echo "minute,rss_mib,peak_rss_mib,threads,iteration" > "$csv"
  start=$(date +%s)
  next=60
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    now=$(($(date +%s) - start))
    [ "$now" -lt "$next" ] && continue
    next=$((next + 60))
    status="/proc/$pid/status"
    [ -r "$status" ] || break
    rss=$(awk '/^VmRSS/ {print $2}' "$status")
    hwm=$(awk '/^VmHWM/ {print $2}' "$status")
    thr=$(awk '/^Threads/ {print $2}' "$status")
    it=$(tail -n 1 "$out/run/losses.csv" 2>/dev/null | cut -d, -f1 || true)
    awk -v m=$((now / 60)) -v r="$rss" -v h="$hwm" -v t="$thr" -v i="${it:-0}" \
      'BEGIN { printf "%d,%.1f,%.1f,%s,%s\n", m, r / 1024, h / 1024, t, i }' >> "$csv"
  done
  rc=0
  wait "$pid" || rc=$?
  tail -n 3 "$out/cli.log"
  [ "$rc" -eq 0 ] || { echo "soak: train exited $rc (see $out/cli.log)" >&2; exit "$rc"; }
  column=rss_mib
else
  rm -rf "$out/app-run" "$csv"
  XDG_CONFIG_HOME="$out/xdg" xvfb-run -a -s "-screen 0 1280x720x24" build/app/ebm-lab \
    --run-dir "$out/app-run" --reset-layout --bench "$seconds" --bench-arena --bench-repeat \
    --bench-out "$out/app.json" --bench-csv "$csv" > "$out/app.log" 2>&1
  cat "$out/app.json"
  column=rss_mib
fi

python3 scripts/plot_csv.py "$csv" minute "$column" "$out/$mode-memory.svg" \
  "resident memory (MiB), $mode soak"
python3 - "$csv" "$column" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
col = sys.argv[2]
warm = [r for r in rows if int(r["minute"]) >= 2]
if len(warm) < 2:
    sys.exit("soak: too few samples to judge growth")
first, last = float(warm[0][col]), float(warm[-1][col])
peak = max(float(r[col]) for r in warm)
growth = 100.0 * (last - first) / first
print(f"memory: {first:.1f} MiB at minute {warm[0]['minute']}, {last:.1f} MiB at minute "
      f"{warm[-1]['minute']}, peak {peak:.1f} MiB: growth {growth:+.1f} %")
sys.exit(0 if growth < 5.0 else 1)
PY
