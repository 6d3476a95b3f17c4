#!/bin/bash
# ebm-viewer under Xvfb: the default model renders a frame of more than 50 colours (read back
# with glReadPixels into --screenshot); a missing and a corrupt --checkpoint each show the error
# (on stderr and in the window) while the window stays up: the screenshot is still written and
# the viewer exits 0; full screen with --font-scale renders; a lesson (--lesson) that sets the
# x step size and runs the chain plays to its last step while the shot is taken (its progress
# lines on stderr); a malformed lesson prints the parser's message naming the line, and the
# viewer keeps running on its model; an unwritable screenshot exits 1.
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

# A lesson: set the x step size, run the x chain, wait; then a last step. It plays by itself
# (each step ends with a timed wait) while the screenshot waits.
cat >"$work/smoke-lesson.toml" <<'TOML'
title = "Smoke lesson"
[[step]]
title = "Set the step size and run"
caption = "The x-chain with s = 0.42."
do = [ { set = "x", step_size = 0.42, steps = 12 }, { run = "x", chains = 16, seed = 2 }, { wait = 1 } ]
[[step]]
title = "The last step"
caption = "Its last step."
do = [ { cursor = "end" }, { panel = "compare" }, { wait = 0.2 } ]
TOML
run lesson 6 --preset toy2d --lesson "$work/smoke-lesson.toml"
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL lesson: exit $rc"; cat "$work/lesson.err"; fail=1; fi
"$colours" "$work/lesson.png" 50 || { echo "FAIL lesson: the frame is blank"; fail=1; }
grep -q "lesson step 2 / 2: The last step" "$work/lesson.err" &&
  grep -q "lesson finished: Smoke lesson" "$work/lesson.err" ||
  { echo "FAIL lesson: it did not reach its last step"; cat "$work/lesson.err"; fail=1; }

# A malformed lesson: the parser's message (file and line) on stderr, the window stays up.
printf 'title = "Bad"\n[[step]]\ntitle = "s"\ncaption = "c"\ndo = [ { wait = -1 } ]\n' \
  >"$work/bad-lesson.toml"
run badlesson 3 --preset toy2d --lesson "$work/bad-lesson.toml"
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL malformed lesson: exit $rc"; fail=1; fi
[ -s "$work/badlesson.png" ] || { echo "FAIL malformed lesson: no screenshot"; fail=1; }
grep -q "bad-lesson.toml line 5" "$work/badlesson.err" ||
  { echo "FAIL malformed lesson: no message naming the line"; cat "$work/badlesson.err"; fail=1; }

# A screenshot that cannot be written: a message and a non-zero exit.
xvfb-run -a -s "-screen 0 1280x720x24" "$viewer" --run-dir "$work/run-badpng" --preset toy2d \
  --screenshot "$work/no-such-dir/x.png" --after 1 >/dev/null 2>"$work/badpng.err"
rc=$?
if [ $rc -eq 0 ]; then echo "FAIL unwritable screenshot: exit 0"; fail=1; fi
grep -q "cannot write" "$work/badpng.err" || { echo "FAIL unwritable screenshot: no message"; fail=1; }

[ $fail -eq 0 ] && echo "viewer smoke: all passed"
exit $fail
