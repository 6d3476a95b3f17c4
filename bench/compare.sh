#!/usr/bin/env bash
# C++ (LibTorch) vs Python (PyTorch) speed of the same Dual-MCMC work at the same config.
#
# Runs `ebm-lab-cli bench` and bench/bench_python.py (its Python twin) with the same thread
# count and a single-thread OpenBLAS, then prints per preset ms/iteration, ms/x-step and
# ms/z-step for both and the ratio Python/C++ (> 1: C++ is faster).
#
# Usage:  bench/compare.sh [path/to/ebm-lab-cli]        (default build/app/ebm-lab-cli)
# Env:    THREADS     intra-op threads for both (default 2)
#         REPEATS     timed repetitions per step measurement (default: the tools' own, 20)
#         ITERATIONS  timed training iterations (default: the tools' own, 10)
#         PYTHON      interpreter with PyTorch (default: /usr/bin/python3 if it imports torch,
#                     else python3); without one it exits 2 (bash scripts/setup.sh --bench
#                     installs python3-torch)
# The raw JSON is left in /tmp/cpp.json and /tmp/py.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="${1:-build/app/ebm-lab-cli}"
threads="${THREADS:-2}"

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

export OPENBLAS_NUM_THREADS=1

echo "C++:    $cli bench --threads $threads ${extra[*]:-}" >&2
"$cli" bench --threads "$threads" "${extra[@]}" --out /tmp/cpp.json >/dev/null
echo "Python: $PYTHON $here/bench_python.py --threads $threads ${extra[*]:-}" >&2
"$PYTHON" "$here/bench_python.py" --threads "$threads" "${extra[@]}" >/tmp/py.json

"$PYTHON" - <<'EOF'
import json
cpp = json.load(open("/tmp/cpp.json"))
py = json.load(open("/tmp/py.json"))
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
EOF
