#!/usr/bin/env bash
# C++ (LibTorch) vs Python (PyTorch) speed of the same work at the same config.
#
# Dual-MCMC: runs `ebm-lab-cli bench` (default presets toy2d, fmnist-small) and
# bench/bench_python.py (its Python twin), then prints per preset ms/iteration, ms/x-step and
# ms/z-step for both and the ratio Python/C++ (> 1: C++ is faster).
# DRL / CDRL: runs `ebm-lab-cli bench --preset drl-toy2d --preset cdrl-toy2d --preset drl-fmnist
# --preset cdrl-fmnist` and bench/bench_recovery_python.py (their Python twin), then prints per
# preset ms/iteration, ms/sample and ms per sample batch (B chains through every level) for both
# and the ratio Python/C++.
# Both sides use the same thread count, the CPU and a single-thread OpenBLAS.
#
# Usage:  bench/compare.sh [path/to/ebm-lab-cli]        (default build/app/ebm-lab-cli)
# Env:    THREADS     intra-op threads for both (default 2)
#         REPEATS     timed repetitions per step measurement (default: the tools' own, 20;
#                     the recovery benches time 3 sampling calls whatever it says)
#         ITERATIONS  timed training iterations (default: the tools' own, 10; at least 3)
#         SYNTHETIC=1 random images instead of Fashion-MNIST, for both (--synthetic)
#         RECOVERY_ONLY=1   only the DRL/CDRL comparison
#         DUAL_MCMC_ONLY=1  only the Dual-MCMC comparison
#         RECOVERY_PRESETS  the DRL/CDRL presets (default "drl-toy2d cdrl-toy2d drl-fmnist
#                     cdrl-fmnist"; cdrl-grid2d-cond and cdrl-fmnist-cond work too)
#         PYTHON      interpreter with PyTorch (default: /usr/bin/python3 if it imports torch,
#                     else python3); without one it exits 2 (bash scripts/setup.sh --bench
#                     installs python3-torch)
# The raw JSON is left in /tmp/cpp.json and /tmp/py.json (Dual-MCMC) and /tmp/cpp_recovery.json
# and /tmp/py_recovery.json (DRL/CDRL).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="${1:-build/app/ebm-lab-cli}"
threads="${THREADS:-2}"
recovery_presets="${RECOVERY_PRESETS:-drl-toy2d cdrl-toy2d drl-fmnist cdrl-fmnist}"
run_dual=1
run_recovery=1
[[ "${RECOVERY_ONLY:-0}" == 1 ]] && run_dual=0
[[ "${DUAL_MCMC_ONLY:-0}" == 1 ]] && run_recovery=0
if [[ $run_dual == 0 && $run_recovery == 0 ]]; then
  echo "compare.sh: RECOVERY_ONLY=1 and DUAL_MCMC_ONLY=1 leave nothing to compare" >&2
  exit 1
fi

# Up front: a python3 with PyTorch (Debian's python3-torch, which the main setup leaves out).
if [[ -z "${PYTHON:-}" ]]; then
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    PYTHON=/usr/bin/python3
  else
    PYTHON=python3
  fi
fi
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "compare: needs python3-torch; run: bash scripts/setup.sh --bench" >&2
  echo "compare: (tried $PYTHON; set PYTHON to use another interpreter)" >&2
  exit 2
fi

if [[ ! -x "$cli" ]]; then
  echo "compare.sh: $cli is not an executable (build the project, or pass the CLI's path)" >&2
  exit 1
fi

extra=()
[[ -n "${REPEATS:-}" ]] && extra+=(--repeats "$REPEATS")
[[ -n "${ITERATIONS:-}" ]] && extra+=(--iterations "$ITERATIONS")
[[ "${SYNTHETIC:-0}" == 1 ]] && extra+=(--synthetic)

export OPENBLAS_NUM_THREADS=1
# Both sides on the same BLAS kernels: where Debian's OpenBLAS does not know the CPU, the CLI
# restarts itself on the fast kernels the CPU runs (core/api/blas_kernels.h); the Python twin is
# given the same set.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  kernels=$("$cli" bench --preset toy2d --device cpu --repeats 1 --iterations 1 --synthetic |
    python3 -c 'import json, sys; print(json.load(sys.stdin).get("blas_kernels", ""))')
  [[ -n "$kernels" ]] && export OPENBLAS_CORETYPE="$kernels"
fi
echo "BLAS kernels: ${OPENBLAS_CORETYPE:-as OpenBLAS detects them}" >&2

# The Python twins run on the CPU; so does the C++ side here, even where a GPU is present.
if [[ $run_dual == 1 ]]; then
  echo "C++:    $cli bench --device cpu --threads $threads ${extra[*]:-}" >&2
  "$cli" bench --device cpu --threads "$threads" "${extra[@]}" --out /tmp/cpp.json >/dev/null
  echo "Python: $PYTHON $here/bench_python.py --threads $threads ${extra[*]:-}" >&2
  "$PYTHON" "$here/bench_python.py" --threads "$threads" "${extra[@]}" >/tmp/py.json

  "$PYTHON" - <<'PY'
import json
cpp = json.load(open("/tmp/cpp.json"))
py = json.load(open("/tmp/py.json"))
print("Dual-MCMC")
print(f"threads: C++ {cpp['threads']} (LibTorch {cpp['torch_version']}), "
      f"Python {py['threads']} (PyTorch {py['torch_version']}); device {py['device']}")
pyres = {r["preset"]: r for r in py["results"]}
rows = [("ms/iteration", "ms_per_iteration"), ("ms/x-step", "ms_per_x_step"),
        ("ms/z-step", "ms_per_z_step")]
for c in cpp["results"]:
    name = c["preset"]
    p = pyres.get(name)
    print()
    if p is None:
        print(f"{name}: no Python result")
        continue
    note = "" if c["params"] == p["params"] else (
        f"   PARAM COUNTS DIFFER: C++ {c['params']}, Python {p['params']}")
    print(f"{name}  (batch {c['batch_size']}, x_steps {c['x_steps']}, z_steps {c['z_steps']}, "
          f"two_chains {c['two_chains']}; data C++ {c.get('data')}, "
          f"Python {p.get('data')}){note}")
    print(f"  {'':<14}{'C++':>12}{'Python':>12}{'Py/C++':>10}")
    for label, key in rows:
        a, b = c[key], p[key]
        ratio = b / a if a > 0 else float("nan")
        print(f"  {label:<14}{a:>12.3f}{b:>12.3f}{ratio:>10.2f}")
PY
fi

if [[ $run_recovery == 1 ]]; then
  [[ $run_dual == 1 ]] && echo
  cpp_presets=()
  py_presets=()
  for p in $recovery_presets; do
    cpp_presets+=(--preset "$p")
    py_presets+=(--preset "$p")
  done
  echo "C++:    $cli bench ${cpp_presets[*]} --device cpu --threads $threads ${extra[*]:-}" >&2
  "$cli" bench "${cpp_presets[@]}" --device cpu --threads "$threads" "${extra[@]}" \
    --out /tmp/cpp_recovery.json >/dev/null
  echo "Python: $PYTHON $here/bench_recovery_python.py ${py_presets[*]} --threads $threads" \
    "${extra[*]:-}" >&2
  "$PYTHON" "$here/bench_recovery_python.py" "${py_presets[@]}" --threads "$threads" \
    "${extra[@]}" >/tmp/py_recovery.json

  "$PYTHON" - <<'PY'
import json
cpp = json.load(open("/tmp/cpp_recovery.json"))
py = json.load(open("/tmp/py_recovery.json"))
print("DRL / CDRL")
print(f"threads: C++ {cpp['threads']} (LibTorch {cpp['torch_version']}), "
      f"Python {py['threads']} (PyTorch {py['torch_version']}); device C++ {cpp['device']}, "
      f"Python {py['device']}")
pyres = {r["preset"]: r for r in py["results"]}
rows = [("ms/iteration", "ms_per_iteration"), ("ms/sample", "ms_per_sample"),
        ("ms/sample batch", "ms_per_sample_batch")]
for c in cpp["results"]:
    name = c["preset"]
    p = pyres.get(name)
    print()
    if p is None:
        print(f"{name}: no Python result")
        continue
    same = all(c.get(k) == p.get(k) for k in ("method", "batch_size", "levels", "steps"))
    note = "" if same else "   SETTINGS DIFFER: " + ", ".join(
        f"{k} C++ {c.get(k)} / Python {p.get(k)}"
        for k in ("method", "batch_size", "levels", "steps") if c.get(k) != p.get(k))
    steps = ", ".join(f"{k} {v}" for k, v in sorted(c.get("steps", {}).items()))
    params = p.get("params", {})
    print(f"{name}  ({c['method']}, batch {c['batch_size']}, {c['levels']} levels, steps {steps}; "
          f"params ebm {params.get('ebm')}, init {params.get('init')}; "
          f"data C++ {c.get('data')}, Python {p.get('data')}){note}")
    print(f"  {'':<16}{'C++':>12}{'Python':>12}{'Py/C++':>10}")
    for label, key in rows:
        a, b = c[key], p[key]
        ratio = b / a if a > 0 else float("nan")
        print(f"  {label:<16}{a:>12.3f}{b:>12.3f}{ratio:>10.2f}")
PY
fi
