#!/usr/bin/env bash
# Reproduces models/shapes-ar, models/shapes-dvlm, models/shapes-dvlm-scratch and
# models/shapes-fast-dvlm exactly as they were made (the trainer is deterministic for a seed, whatever the thread count), then evaluates
# them on the held-out split. On the 2-core development machine the two stages of the default
# model take under an hour together (see the model cards); the scratch baseline and the
# evaluations about 25 minutes more, the Fast-dVLM conversion about 30.
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
# Stage 1, the AR-VLM: next-token training from random weights, as two runs (the second restarts
# the warmup + cosine schedule from the first's weights: the warm restart took the held-out loss
# from 0.088 to 0.016, where one longer schedule had flattened).
"$dv" train "${T[@]}" --stage ar --out "$W/ar-1" --steps 6500 --lr 2e-3 --warmup 100 --eval-every 1000 --seed 1
"$dv" train "${T[@]}" --stage ar --init "$W/ar-1" --out "$W/shapes-ar" --steps 4000 --lr 1.5e-3 --warmup 100 \
  --eval-every 1000 --seed 2

# Stage 2, the dVLM: block-diffusion (BD3-LM) finetuning of the AR-VLM, block size 8.
"$dv" train "${T[@]}" --stage bd3 --init "$W/shapes-ar" --out "$W/shapes-dvlm" --steps 4000 --lr 1e-3 \
  --warmup 100 --eval-every 1000 --seed 4
# The same diffusion budget without the AR stage: block diffusion from random weights, at the
# learning rate that trains this model from random weights.
"$dv" train "${T[@]}" --stage bd3 --out "$W/shapes-dvlm-scratch" --steps 4000 --lr 2e-3 --warmup 100 \
  --eval-every 1000 --seed 4

# Fast-dVLM's direct conversion of the AR-VLM: block-diffusion loss on a noisy copy of the answer
# (token shift, each block's first token never masked) + causal-LM loss on the token-causal clean
# copy, 0.5/0.5; blocks of 8, then 16, then 32 (block-size annealing); complementary masks; half
# the examples with the block grid shifted so that blocks also start mid-answer (speculative
# decoding's blocks do). config.json gets causal_lm_loss, for --decoder speculative and --sub-block.
"$dv" train "${T[@]}" --stage fast --init "$W/shapes-ar" --out "$W/shapes-fast-dvlm" --steps 5000 --lr 1e-3 \
  --warmup 100 --eval-every 500 --seed 4 --complementary yes --block-shift 0.5 --anneal 8:1000,16:1000

# Held-out quality and speed (AR, static, dynamic at 0.5/0.7/0.85/0.95; for shapes-fast-dvlm AR,
# speculative, and sub-block 8 at 0.7/0.9/0.95), as in the model cards.
for m in shapes-ar shapes-dvlm shapes-dvlm-scratch; do
  "$dv" eval --model "$W/$m" --corpus "$W/corpus/heldout" --json > "$W/$m.eval.jsonl"
done
"$dv" eval --model "$W/shapes-fast-dvlm" --corpus "$W/corpus/heldout" --sub-block-thresholds 0.7,0.9,0.95 --json \
  > "$W/shapes-fast-dvlm.eval.jsonl"
