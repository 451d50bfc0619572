#!/usr/bin/env bash
# Reproduces models/shapes-ar, models/shapes-dvlm and models/shapes-dvlm-scratch exactly as they
# were made (the trainer is deterministic for a seed, whatever the thread count), then evaluates
# them on the held-out split. About 75 minutes on the 2-core development machine.
#   models/train.sh [WORKDIR]      (default /tmp/dvlcap-train; the checkpoints land in WORKDIR)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
W="${1:-/tmp/dvlcap-train}"
dv="$ROOT/bin/dvlcap"
mkdir -p "$W"

# Corpus: 8,000 training images and 500 held-out images, each captioned short and detailed.
"$dv" corpus --out "$W/corpus/train" --n 8000 --seed 1 --split train
"$dv" corpus --out "$W/corpus/heldout" --n 500 --seed 2 --split heldout
# The loss evaluated during training: the first 200 held-out captions (100 images).
mkdir -p "$W/corpus/h200"
head -200 "$W/corpus/heldout/manifest.jsonl" > "$W/corpus/h200/manifest.jsonl"
ln -sfn "$W/corpus/heldout/images" "$W/corpus/h200/images"

T=("--corpus" "$W/corpus/train" "--eval-corpus" "$W/corpus/h200")
# Stage 1, the AR-VLM, as three runs (each restarts the warmup + cosine schedule from the last;
# the first was evaluated on the whole held-out split, the later ones on its first 200 captions).
"$dv" train --corpus "$W/corpus/train" --eval-corpus "$W/corpus/heldout" --stage ar --out "$W/ar-1" \
  --steps 1200 --lr 1e-3 --eval-every 200 --seed 1
"$dv" train "${T[@]}" --stage ar --out "$W/ar-2" --init "$W/ar-1" --steps 3000 --lr 2e-3 --warmup 50 \
  --eval-every 500 --seed 2
"$dv" train "${T[@]}" --stage ar --out "$W/shapes-ar" --init "$W/ar-2" --steps 4000 --lr 1.5e-3 --warmup 100 \
  --eval-every 1000 --seed 3

# Stage 2, the dVLM: block-diffusion (BD3-LM) finetuning of the AR-VLM, block size 8.
"$dv" train "${T[@]}" --stage bd3 --init "$W/shapes-ar" --out "$W/shapes-dvlm" --steps 1500 --lr 5e-4 \
  --eval-every 500 --seed 4
# The same diffusion budget without the AR stage: block diffusion from random weights.
"$dv" train "${T[@]}" --stage bd3 --out "$W/shapes-dvlm-scratch" --steps 1500 --lr 1e-3 --eval-every 500 --seed 4

# Held-out quality and speed (AR, static, dynamic at 0.5/0.7/0.85/0.95), as in the model cards.
for m in shapes-ar shapes-dvlm shapes-dvlm-scratch; do
  "$dv" eval --model "$W/$m" --corpus "$W/corpus/heldout" --json > "$W/$m.eval.jsonl"
done
