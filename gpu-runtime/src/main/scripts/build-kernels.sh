#!/usr/bin/env bash
# Compiles src/main/cuda/kernels.cu into one fatbin (sm_80 and sm_90 machine code plus compute_90
# PTX for newer GPUs) at OUT_DIR/kernels.fatbin. Called by the Maven build (profile cuda-kernels).
# Finds nvcc through $NVCC, then PATH, then $CUDA_HOME/bin and /usr/local/cuda/bin; without one
# it says so and succeeds, and the CUDA backend reports "kernels missing (built without nvcc)".
# Skips the compile when the fatbin is newer than every kernel source (others build often).
set -euo pipefail
SRC_DIR="$1"
OUT_DIR="$2"
OUT="$OUT_DIR/kernels.fatbin"

nvcc_bin="${NVCC:-}"
if [ -z "$nvcc_bin" ]; then
  nvcc_bin="$(command -v nvcc || true)"
fi
for c in "${CUDA_HOME:-/nonexistent}/bin/nvcc" /usr/local/cuda/bin/nvcc; do
  if [ -z "$nvcc_bin" ] && [ -x "$c" ]; then nvcc_bin="$c"; fi
done
if [ -z "$nvcc_bin" ]; then
  echo "[dvlcap] nvcc not found (NVCC, PATH, CUDA_HOME, /usr/local/cuda): CUDA kernels not built" >&2
  exit 0
fi

if [ -f "$OUT" ]; then
  stale=0
  for f in "$SRC_DIR"/*.cu "$SRC_DIR"/*.cuh "$0"; do
    if [ "$f" -nt "$OUT" ]; then stale=1; fi
  done
  if [ "$stale" = 0 ]; then
    exit 0
  fi
fi

mkdir -p "$OUT_DIR"
# Uncompressed, so that the build's tests can find the kernel names and architectures in the bytes.
# No --use_fast_math: the kernels are differential-tested against the fp32 reference.
"$nvcc_bin" -O3 -std=c++17 \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  --fatbin --compress-mode=none \
  -o "$OUT.tmp" "$SRC_DIR/kernels.cu"
mv "$OUT.tmp" "$OUT"
echo "[dvlcap] built $OUT with $("$nvcc_bin" --version | tail -1)" >&2
