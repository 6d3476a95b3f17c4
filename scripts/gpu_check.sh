#!/usr/bin/env bash
# The GPU check: builds the CLI and the device tests against the machine's CUDA LibTorch (the one
# PyTorch brings), runs the device tests and times paper-cifar10 and cdrl-cifar10 in each precision
# with and without CUDA graphs, and the PyTorch twin beside them. Logs and JSON go to $OUT.
# Usage: OUT=DIR bash scripts/gpu_check.sh [DEPS]   (DEPS from scripts/gpu_deps.sh, default .devdeps)
set -u
export OPENBLAS_NUM_THREADS=1 PYTHONUNBUFFERED=1
OUT="${OUT:-/tmp/gpu_check}"; mkdir -p "$OUT"
R=$PWD; D=$(readlink -f "${1:-.devdeps}"); B=/tmp/gpu_check_build
log() { echo "== $(date +%T) $*"; }
exec > >(tee $OUT/run.log) 2>&1
log start; nvidia-smi -L; g++ --version | head -1; cmake --version | head -1; nproc
TP=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda)'
CUDNN=$(python3 -c 'import nvidia.cudnn,os;print(os.path.dirname(nvidia.cudnn.__file__))' 2>/dev/null)
TI=$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"include"))')
ls $TI | head -20; ls $TI/gloo >/dev/null 2>&1 && echo "gloo headers: yes" || echo "gloo headers: no"
export LD_LIBRARY_PATH=$D/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
log configure
cmake -S $R -B $B -G Ninja -DCMAKE_BUILD_TYPE=Release -DEBM_BUILD_GUI=OFF \
  -DCMAKE_PREFIX_PATH="$TP;$D" -DCMAKE_CUDA_ARCHITECTURES=90 -DTORCH_CUDA_ARCH_LIST=9.0 \
  ${CUDNN:+-DCUDNN_INCLUDE_PATH=$CUDNN/include -DCUDNN_LIBRARY_PATH=$CUDNN/lib} \
  > $OUT/configure.log 2>&1; rc=$?; tail -25 $OUT/configure.log
if [ $rc != 0 ]; then grep -n "Error" -A8 $OUT/configure.log | head -60; exit 1; fi
grep -n "CUDA graphs\|Gloo\|TORCH_CUDA" $OUT/configure.log
log build
timeout 330 ninja -C $B -k 0 ebm-lab-cli ebm_device_tests > $OUT/build.log 2>&1; rc=$?
grep -n "error" -A3 $OUT/build.log | head -80; tail -3 $OUT/build.log
[ $rc != 0 ] && { log "build failed rc=$rc"; exit 1; }
log tests
timeout 120 $B/tests/ebm_device_tests > $OUT/device_tests.log 2>&1
grep -E "Failure|difference|buffer|relative error|cannot be captured|OK \]|FAILED|PASSED" $OUT/device_tests.log
CLI=$B/app/ebm-lab-cli
bench() {
  log "bench $*"
  timeout 150 $CLI bench --device cuda --synthetic --repeats 10 --iterations 5 "$@" \
    > $OUT/one.json 2> $OUT/one.err
  tail -3 $OUT/one.err
  python3 -c "import json;d=json.load(open('$OUT/one.json'));[print({k:(round(v,2) if isinstance(v,float) else v) for k,v in r.items() if k.startswith('ms_') or k=='preset'}) for r in d['results']]" \
    && cat $OUT/one.json >> $OUT/bench.jsonl
}
twin() {
  log "python twin $*"
  timeout 150 python3 bench/bench_python.py --device cuda --preset paper-cifar10 --synthetic \
    --repeats 10 --iterations 5 "$@" > $OUT/one_py.json 2>&1
  grep -E "ms_per|rror" $OUT/one_py.json | head; cat $OUT/one_py.json >> $OUT/twin.jsonl
}
bench --preset paper-cifar10
bench --preset paper-cifar10 --cuda-graphs
bench --preset paper-cifar10 --precision bf16
bench --preset paper-cifar10 --precision bf16 --cuda-graphs
twin --tf32
bench --preset cdrl-cifar10
bench --preset cdrl-cifar10 --precision bf16 --cuda-graphs
bench --preset paper-cifar10 --precision fp32
twin
log end
