#!/usr/bin/env bash
# GPU discovery script for Spark resource scheduling (spark.{driver,executor}.resource.gpu.discoveryScript).
# Prints the JSON Spark expects, e.g. {"name": "gpu", "addresses": ["0","1"]}: the indices nvidia-smi
# reports. Where CUDA_VISIBLE_DEVICES restricts the process, only the listed indices are reported, so
# Spark never hands out a GPU this executor cannot see (dvlcap translates the address to the CUDA
# ordinal). Exits non-zero with a message on stderr when nvidia-smi is missing or fails, which makes
# Spark refuse to start the executor instead of running it without its GPU.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found on PATH; is the NVIDIA driver installed?" >&2
  exit 1
fi

if ! indices=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1); then
  echo "getGpusResources.sh: nvidia-smi failed: ${indices}" >&2
  exit 1
fi

addresses=()
while read -r idx; do
  idx="${idx//[[:space:]]/}"
  [[ -z "$idx" ]] && continue
  if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
    case ",${CUDA_VISIBLE_DEVICES// /}," in
      *",${idx},"*) ;;
      *) continue ;;
    esac
  fi
  addresses+=("\"${idx}\"")
done <<< "$indices"

joined=$(IFS=,; echo "${addresses[*]:-}")
echo "{\"name\": \"gpu\", \"addresses\": [${joined}]}"
