#!/usr/bin/env bash
# `ebm-lab --help` and `--version` answer without any display (no X, no Wayland, no Qt platform
# chosen) and exit 0: they are answered before the application connects to a display.
set -euo pipefail
app="$1"
headless() { env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$app" "$@"; }
help="$(headless --help)"
grep -q -- "--checkpoint" <<<"$help"
grep -q -- "--run-dir" <<<"$help"
version="$(headless --version)"
grep -q "0\.1\.0" <<<"$version"
echo "ok: --help and --version without a display"
