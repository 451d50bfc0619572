#!/usr/bin/env bash
# The GPU device check: on a bare GPU host (NVIDIA driver, Python with PyTorch and transformers; no
# JDK, no Maven, no network) runs every CUDA test, then the GPU benchmarks beside PyTorch's, and
# writes everything to one folder. The Java side comes from the bundle device-pack.sh builds (a
# jlink'ed runtime with the slim engine jar, the test classes, JUnit).
#
#   device-check.sh [OUT_DIR]          OUT_DIR default $OUT, else ./device-check-out
#
# Environment (all optional):
#   DVLCAP_BUNDLE             the bundle, default gpu-runtime/target/dvlcap-device.tar.xz (or an unpacked dir)
#   DEVICE_CHECK_PHASES       default tests,gemm,torch,bench (any subset, in that order)
#   DEVICE_CHECK_BUDGET_S     seconds for the whole script, default 540; a step that no longer fits
#                             is reported as not run, never started
#   DEVICE_CHECK_CLASS_S      per test class (one JVM each), default 240
#   DEVICE_CHECK_CLASSES      a regex: only the test classes it matches (e.g. to rerun the failed ones)
#   DEVICE_CHECK_BENCH        engine bench points, default "qwen2.5-vl-3b-lm:1 qwen2.5-vl-3b-lm:16
#                             qwen2.5-vl-3b-lm:64 qwen2.5-vl-3b-lm:128 qwen2.5-0.5b:1 qwen2.5-0.5b:64" (shape:batch)
#   DEVICE_CHECK_REQUIRE_CUDA default 1: a CUDA test that cannot start its backend fails instead of
#                             skipping (0 lets it skip, which the check then reports as a failure)
#   DEVICE_CHECK_SKIP_DRIVER_CHECK=1  go on without nvidia-smi (only to test this script off a GPU)
#   DEVICE_CHECK_NVIDIA_SMI   the nvidia-smi to ask, default the one on PATH (tests pass a stand-in)
#
# Exit status: 0 all tests passed (none skipped) and every benchmark step ran; 1 a test class failed,
# skipped, timed out or did not run; 2 no GPU/driver or no usable bundle (nothing run); 3 the tests
# passed but a benchmark step failed or did not fit the budget.
# Files in OUT_DIR (at most 8, as the device tool returns): device-check.log (this transcript),
# results.txt (verdicts and ratios), tests.log, bench.log, gemm.csv, torch.json.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT_DIR="${1:-${OUT:-$PWD/device-check-out}}"
mkdir -p "$OUT_DIR" || { echo "device-check: cannot create $OUT_DIR" >&2; exit 2; }
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
LOG="$OUT_DIR/device-check.log"
RESULTS="$OUT_DIR/results.txt"

main() {
  local start; start=$(date +%s)
  local budget="${DEVICE_CHECK_BUDGET_S:-540}" phases="${DEVICE_CHECK_PHASES:-tests,gemm,torch,bench}"
  local module=""
  # in the repository (gpu-runtime/src/test/scripts), or inside an unpacked bundle (scripts/)
  if [ -d "$HERE/../../../src/main/cuda" ]; then module="$(cd "$HERE/../../.." && pwd)"; fi
  local bundle="${DVLCAP_BUNDLE:-${module:+$module/target/dvlcap-device.tar.xz}}"
  [ -n "$bundle" ] || bundle="$(cd "$HERE/.." && pwd)"
  : > "$RESULTS"
  say() { echo "device-check: $*"; }
  result() { echo "$*" | tee -a "$RESULTS"; }
  left() { echo $(( budget - ($(date +%s) - start) )); }
  # a step's timeout: what it wants, within what is left of the budget (15 s kept for the report)
  fit() { local l=$(( $(left) - 15 )); [ "$1" -lt "$l" ] && echo "$1" || echo "$l"; }
  die2() { result "FAIL: $*"; result "verdict: FAIL (nothing run)"; exit 2; }

  say "$(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), budget ${budget}s, phases $phases, output $OUT_DIR"

  # ---- the driver and the GPU: fail at once, with the reason, where there is none -------------
  if [ "${DEVICE_CHECK_SKIP_DRIVER_CHECK:-0}" != 1 ]; then
    local smi_bin="${DEVICE_CHECK_NVIDIA_SMI:-nvidia-smi}"
    command -v "$smi_bin" >/dev/null 2>&1 \
      || die2 "no NVIDIA driver on this host: nvidia-smi not found (run this on a GPU host)"
    local smi rc
    smi="$(timeout -k 5 30 "$smi_bin" --query-gpu=index,name,driver_version,memory.total,compute_cap \
      --format=csv,noheader 2>&1)"; rc=$?
    [ "$rc" != 124 ] && [ "$rc" != 137 ] || die2 "no usable GPU: nvidia-smi did not answer within 30 s"
    [ "$rc" = 0 ] && [ -n "$smi" ] \
      || die2 "no usable GPU: nvidia-smi exited $rc: $(echo "$smi" | head -3 | tr '\n' ' ')"
    result "GPU (nvidia-smi: index, name, driver, memory, compute capability): $smi"
    result "$(timeout -k 5 30 "$smi_bin" 2>&1 | grep -m1 'CUDA Version' | tr -s ' ' | sed 's/^| //; s/ |$//')"
    timeout -k 5 30 "$smi_bin" 2>&1 | sed 's/^/  /'
  else
    result "driver check skipped (DEVICE_CHECK_SKIP_DRIVER_CHECK=1): for testing this script off a GPU"
  fi
  # JCuda loads libcuda.so.1 through the dynamic linker: make the driver's folder visible if needed
  if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then
    local d
    for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/cuda/compat; do
      if [ -e "$d/libcuda.so.1" ]; then
        export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; say "libcuda.so.1 found in $d"; break
      fi
    done
  fi

  # ---- the bundle ----------------------------------------------------------------------------
  local work; work="$(mktemp -d "${TMPDIR:-/tmp}/dvlcap-check.XXXXXX")" || die2 "cannot make a temporary folder"
  local b
  if [ -d "$bundle" ] && [ -x "$bundle/jre/bin/java" ]; then
    b="$bundle"
  elif [ -f "$bundle" ]; then
    if command -v xz >/dev/null 2>&1; then
      timeout -k 5 180 tar -xJf "$bundle" -C "$work" || die2 "cannot unpack $bundle"
    else
      timeout -k 5 180 python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' \
        "$bundle" "$work" || die2 "cannot unpack $bundle (no xz; python3 tarfile failed)"
    fi
    b="$work/dvlcap-device"
  else
    die2 "bundle $bundle not found: build it with gpu-runtime/src/test/scripts/device-pack.sh --build and carry it"
  fi
  local java="$b/jre/bin/java"
  local jv; jv="$(timeout -k 5 60 "$java" -version 2>&1)" || die2 "the bundled Java runtime does not start: $jv"
  sed 's/^/bundle: /' "$b/MANIFEST" | tee -a "$RESULTS"
  local cp="$b/jre/lib/dvlcap/dvlcap-engine.jar:$b/test-classes:$b/lib/*"
  # ai.djl.offline: the tokenizer library must never try the network (the GPU host has none)
  local jvm=(--add-modules jdk.incubator.vector -Xss4m -Djava.awt.headless=true -Dai.djl.offline=true
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED)
  # tests read paths relative to the module, as under surefire
  local run_dir="${module:-$b}"
  local status=0 bench_failed=0

  # ---- 1. the CUDA tests, one JVM per class, synchronous launches ----------------------------
  if [[ ",$phases," == *,tests,* ]]; then
    say "== tests (CUDA_LAUNCH_BLOCKING=1, DVLCAP_REQUIRE_CUDA=${DEVICE_CHECK_REQUIRE_CUDA:-1}, a JVM per class)"
    mkdir -p "$work/summaries"
    : > "$OUT_DIR/tests.log"
    local c t rc s0 sum v
    while read -r c; do
      [ -n "$c" ] || continue
      [[ "$c" =~ ${DEVICE_CHECK_CLASSES:-.} ]] || continue
      t="$(fit "${DEVICE_CHECK_CLASS_S:-240}")"
      if [ "$t" -lt 20 ]; then result "NOT RUN  $c (out of time)"; status=1; continue; fi
      sum="$work/summaries/$c.txt"
      s0=$(date +%s)
      echo "===== $c" >> "$OUT_DIR/tests.log"
      (cd "$run_dir" && CUDA_LAUNCH_BLOCKING=1 DVLCAP_REQUIRE_CUDA="${DEVICE_CHECK_REQUIRE_CUDA:-1}" \
        timeout -k 10 "$t" "$java" "${jvm[@]}" -Xmx16g -cp "$cp" dvlcap.devicecheck.DeviceTestRunner \
        --summary "$sum" "$c") >> "$OUT_DIR/tests.log" 2>&1
      rc=$?
      # the runner's exit status and its summary must agree: ran, passed, nothing skipped or aborted
      v=FAIL
      if [ "$rc" = 0 ] && [ -f "$sum" ] && grep -qx 'verdict=PASS' "$sum" && grep -qx 'skipped=0' "$sum" \
         && grep -qx 'aborted=0' "$sum" && grep -qx 'failed=0' "$sum" && ! grep -qx 'found=0' "$sum"; then
        v=PASS
      elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        v=TIMEOUT
      fi
      [ "$v" = PASS ] || status=1
      local counts="no summary (the JVM died: rc $rc)"
      [ -f "$sum" ] && counts="$(grep -E '^(found|succeeded|failed|aborted|skipped)=' "$sum" | paste -sd' ')"
      result "$(printf '%-7s %-60s %s, %ss' "$v" "$c" "$counts" $(( $(date +%s) - s0 )))"
      if [ "$v" != PASS ]; then
        # the failing, skipped and aborted tests with their reasons
        awk -v c="===== $c" '$0==c{on=1;next} /^===== /{on=0} on' "$OUT_DIR/tests.log" \
          | grep -E '^\[(FAIL|ABORT|SKIP)\]' | head -8 | cut -c1-240 | sed 's/^/          /' | tee -a "$RESULTS"
      fi
    done < "$b/CLASSES"
    local line; line="$(grep -m1 -o 'CUDA backend on device .*' "$OUT_DIR/tests.log")"
    result "log line: ${line:-no 'CUDA backend on ...' line: the backend never started}"
    [ "$status" = 0 ] && result "tests: PASS" || result "tests: FAIL"
  fi

  # ---- 2. our GEMM kernels on the engine's shapes --------------------------------------------
  if [[ ",$phases," == *,gemm,* || ",$phases," == *,torch,* || ",$phases," == *,bench,* ]]; then
    : > "$OUT_DIR/bench.log"
  fi
  if [[ ",$phases," == *,gemm,* ]]; then
    t="$(fit 150)"
    if [ "$t" -lt 20 ]; then result "NOT RUN  GemmBench (out of time)"; bench_failed=1
    else
      say "== GEMM (ours), ${t}s at most"
      (cd "$run_dir" && timeout -k 10 "$t" "$java" "${jvm[@]}" -Xmx12g -cp "$cp" dvlcap.devicecheck.GemmBench \
        --out "$OUT_DIR/gemm.csv") 2>&1 | tee -a "$OUT_DIR/bench.log" | tail -3
      rc=${PIPESTATUS[0]}
      [ "$rc" = 0 ] && result "GemmBench: ok" \
        || { result "GemmBench: FAILED (rc $rc): $(grep -m1 -E 'Exception|Error' "$OUT_DIR/bench.log" | cut -c1-200)"; bench_failed=1; }
    fi
  fi

  # ---- 3. PyTorch on the same GPU: matmul, copy bandwidth, transformers' AR generate ----------
  if [[ ",$phases," == *,torch,* ]]; then
    t="$(fit 240)"
    if [ "$t" -lt 30 ]; then result "NOT RUN  torch side (out of time)"; bench_failed=1
    else
      say "== PyTorch side, ${t}s at most"
      PYTHONUNBUFFERED=1 timeout -k 10 "$t" python3 "$HERE/device_bench.py" torch --out "$OUT_DIR/torch.json" \
        2>&1 | tee -a "$OUT_DIR/bench.log" | grep -v '^torch.matmul'
      rc=${PIPESTATUS[0]}
      [ "$rc" = 0 ] && result "torch side: ok" \
        || { result "torch side: FAILED (rc $rc): $(tail -1 "$OUT_DIR/bench.log" | cut -c1-200)"; bench_failed=1; }
    fi
  fi

  # ---- 4. the engine's bench on CUDA ----------------------------------------------------------
  if [[ ",$phases," == *,bench,* ]]; then
    mkdir -p "$work/bench"
    local point shape batch
    for point in ${DEVICE_CHECK_BENCH:-qwen2.5-vl-3b-lm:1 qwen2.5-vl-3b-lm:16 qwen2.5-vl-3b-lm:64 qwen2.5-vl-3b-lm:128 qwen2.5-0.5b:1 qwen2.5-0.5b:64}; do
      shape="${point%%:*}"; batch="${point##*:}"
      t="$(fit 180)"
      if [ "$t" -lt 30 ]; then result "NOT RUN  bench $shape batch $batch (out of time)"; bench_failed=1; continue; fi
      say "== bench $shape batch $batch, ${t}s at most"
      local f="$work/bench/bench-$shape-b$batch.tsv"
      local args=(bench --shape "$shape" --backend cuda --batch-size "$batch" --images "$batch" --context 256
        --query-tokens 1,8,32 --iterations 5 --decoders ar,block --max-new-tokens 64)
      echo "===== dvlcap-engine ${args[*]}" >> "$OUT_DIR/bench.log"
      (cd "$run_dir" && timeout -k 10 "$t" "$java" "${jvm[@]}" -Xmx64g -jar "$b/jre/lib/dvlcap/dvlcap-engine.jar" \
        "${args[@]}") > "$f" 2>&1
      rc=$?
      cat "$f" >> "$OUT_DIR/bench.log"
      [ "$rc" = 0 ] && result "bench $shape batch $batch: ok" \
        || { result "bench $shape batch $batch: FAILED (rc $rc): $(grep -v '^\[' "$f" | tail -1 | cut -c1-200)"; bench_failed=1; }
    done
  fi

  # ---- the report -----------------------------------------------------------------------------
  if [[ ",$phases," == *,gemm,* || ",$phases," == *,torch,* || ",$phases," == *,bench,* ]]; then
    result ""
    timeout -k 5 60 python3 "$HERE/device_bench.py" report --torch "$OUT_DIR/torch.json" --gemm "$OUT_DIR/gemm.csv" \
      --bench-dir "$work/bench" 2>&1 | tee -a "$RESULTS"
  fi
  rm -rf "$work"
  result ""
  if [ "$status" != 0 ]; then result "verdict: FAIL (tests)"; exit 1; fi
  if [ "$bench_failed" != 0 ]; then result "verdict: tests PASS, benchmarks incomplete"; exit 3; fi
  result "verdict: PASS ($(( $(date +%s) - start ))s)"
  exit 0
}

main "$@" 2>&1 | tee -a "$LOG"
exit "${PIPESTATUS[0]}"
