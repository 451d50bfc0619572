#!/usr/bin/env bash
# CPU kernels beside OpenBLAS (numpy), torch and transformers: one table of side-by-side ratios.
#   bench/compare-cpu.sh [--parts matmul,forward,bf16] [--rows 1,16,128] [--iterations 5] [--warmup 20] [--seconds 1]
# Builds the engine (offline, no tests) unless DVLCAP_NO_BUILD=1; PYTHON picks the interpreter
# (default /work/venv/bin/python: numpy, torch, transformers); THREADS (default: all cores) is
# given to the Java worker pool (-XX:ActiveProcessorCount), OpenBLAS, torch and OpenMP alike.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-/work/venv/bin/python}"
THREADS="${THREADS:-$(nproc)}"
if [ "${DVLCAP_NO_BUILD:-0}" != 1 ]; then
  mvn -B -q -o -DskipTests package -pl gpu-runtime -am >&2
fi
export OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"
echo "# $(date -u +%FT%TZ) $(lscpu | sed -n "s/^Model name: *//p"), $(getconf _NPROCESSORS_ONLN) cpus, $THREADS threads, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(java -version 2>&1 | head -1); $("$PYTHON" -c 'import numpy, torch, transformers; print("numpy", numpy.__version__, "torch", torch.__version__, "transformers", transformers.__version__)')"
exec "$PYTHON" "$ROOT/bench/compare_cpu.py" "$@"
