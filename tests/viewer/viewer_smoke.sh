#!/bin/bash
# ebm-viewer under Xvfb: the default model renders a frame of more than 50 colours (read back
# with glReadPixels into --screenshot); a missing and a corrupt --checkpoint each show the error
# (on stderr and in the window) while the window stays up: the screenshot is still written and
# the viewer exits 0; full screen with --font-scale renders; an unwritable screenshot exits 1.
# Usage: viewer_smoke.sh EBM_VIEWER PNG_COLOURS WORK_DIR
set -u
viewer=$1; colours=$2; work=$3
rm -rf "$work"; mkdir -p "$work"
fail=0
run() {  # run NAME SECONDS ARGS...: the viewer in a 1280x720 Xvfb screen
  local name=$1 after=$2; shift 2
  xvfb-run -a -s "-screen 0 1280x720x24" "$viewer" --run-dir "$work/run-$name" \
    --screenshot "$work/$name.png" --after "$after" "$@" >"$work/$name.out" 2>"$work/$name.err"
}

run default 6
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL default: exit $rc"; cat "$work/default.err"; fail=1; fi
"$colours" "$work/default.png" 50 || { echo "FAIL default: the frame is blank"; fail=1; }

run missing 3 --checkpoint "$work/no-such-model.safetensors"
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL missing checkpoint: exit $rc"; fail=1; fi
[ -s "$work/missing.png" ] || { echo "FAIL missing checkpoint: no screenshot"; fail=1; }
grep -q "error" "$work/missing.err" || { echo "FAIL missing checkpoint: no error printed"; fail=1; }
"$colours" "$work/missing.png" 20 >/dev/null || { echo "FAIL missing checkpoint: blank window"; fail=1; }

head -c 4096 /dev/urandom >"$work/corrupt.safetensors"
run corrupt 3 --checkpoint "$work/corrupt.safetensors"
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL corrupt checkpoint: exit $rc"; fail=1; fi
[ -s "$work/corrupt.png" ] || { echo "FAIL corrupt checkpoint: no screenshot"; fail=1; }
grep -q "error" "$work/corrupt.err" || { echo "FAIL corrupt checkpoint: no error printed"; fail=1; }

# Presenter mode: full screen with large fonts on the toy2d landscape.
run presenter 4 --preset toy2d --fullscreen --font-scale 1.6
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL presenter: exit $rc"; cat "$work/presenter.err"; fail=1; fi
"$colours" "$work/presenter.png" 50 || { echo "FAIL presenter: the frame is blank"; fail=1; }

# A screenshot that cannot be written: a message and a non-zero exit.
xvfb-run -a -s "-screen 0 1280x720x24" "$viewer" --run-dir "$work/run-badpng" --preset toy2d \
  --screenshot "$work/no-such-dir/x.png" --after 1 >/dev/null 2>"$work/badpng.err"
rc=$?
if [ $rc -eq 0 ]; then echo "FAIL unwritable screenshot: exit 0"; fail=1; fi
grep -q "cannot write" "$work/badpng.err" || { echo "FAIL unwritable screenshot: no message"; fail=1; }

[ $fail -eq 0 ] && echo "viewer smoke: all passed"
exit $fail
