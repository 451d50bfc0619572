package dvlcap.decode;

import dvlcap.image.VisionInput;
import dvlcap.backend.Tensor;
import dvlcap.nn.LlavaModel;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * DESIGN.md §3 written the slow, obvious way, as the tests' oracle: every step recomputes the
 * whole sequence without a cache (block-causal mask over prompt, decided answer and the current
 * block), greedy, with a separate clean pass per block as the reference does (which, without a
 * cache, changes nothing). No batching, no fusion, no shared code with the scheduler beyond the
 * model and the remasking policy.
 */
final class ReferenceDecoder {
    private ReferenceDecoder() {
    }

    /** An oracle's answer and the denoising forwards it took (the clean cache-writing passes not counted). */
    record Decoded(int[] answer, int steps) {
    }

    static int[] blockDiffusion(LlavaModel model, int[] prompt, float[] pixels, int blockSize, int steps,
                                Remasking remasking, int maxNew, int maskId, IntPredicate eos) {
        return decode(model, prompt, pixels, blockSize, steps, remasking, maxNew, maskId, eos).answer();
    }

    static Decoded decode(LlavaModel model, int[] prompt, float[] pixels, int blockSize, int steps,
                          Remasking remasking, int maxNew, int maskId, IntPredicate eos) {
        int vocab = model.config().text().vocabSize();
        int[] transfer = transferCounts(blockSize, steps);
        int forwards = 0;
        try (Tensor image = model.vision().encode(VisionInput.tile(pixels))) {
            int[] seq = Arrays.copyOf(prompt, prompt.length + maxNew + 2 * blockSize);
            int blockStart = prompt.length / blockSize * blockSize;
            while (true) {
                boolean[] masked = new boolean[blockSize];
                for (int i = 0; i < blockSize; i++) {
                    if (blockStart + i >= prompt.length) {
                        masked[i] = true;
                        seq[blockStart + i] = maskId;
                    }
                }
                for (int step = 0; anyMasked(masked); step++) {
                    int end = blockStart + blockSize;
                    float[] logits = model.fullLogits(Arrays.copyOf(seq, end), image, blockSize);
                    forwards++;
                    float[] conf = new float[blockSize];
                    int[] cand = new int[blockSize];
                    for (int i = 0; i < blockSize; i++) {
                        int row = blockStart + i;
                        int best = 0;
                        for (int v = 1; v < vocab; v++) {
                            if (logits[row * vocab + v] > logits[row * vocab + best]) {
                                best = v;
                            }
                        }
                        double sum = 0;
                        for (int v = 0; v < vocab; v++) {
                            sum += Math.exp(logits[row * vocab + v] - logits[row * vocab + best]);
                        }
                        cand[i] = best;
                        conf[i] = (float) (1 / sum);
                    }
                    // the step's count from B, capped by the masks left (the first block may have fewer than B)
                    int k = Math.min(transfer[Math.min(step, steps)], count(masked));
                    boolean[] chosen = remasking.select(conf, masked, k);
                    for (int i = 0; i < blockSize; i++) {
                        if (chosen[i] && masked[i]) {
                            masked[i] = false;
                            seq[blockStart + i] = cand[i];
                        }
                    }
                }
                int answerEnd = blockStart + blockSize - prompt.length;
                for (int a = Math.max(0, blockStart - prompt.length); a < Math.min(answerEnd, maxNew); a++) {
                    if (eos.test(seq[prompt.length + a])) {
                        return new Decoded(Arrays.copyOfRange(seq, prompt.length, prompt.length + a), forwards);
                    }
                }
                if (answerEnd >= maxNew) {
                    return new Decoded(Arrays.copyOfRange(seq, prompt.length, prompt.length + maxNew), forwards);
                }
                blockStart += blockSize;
            }
        }
    }

    /**
     * DiffusionVL's {@code get_bd3lm_num_transfer_tokens(block_size, steps)}: B spread over S steps,
     * remainder to the first, plus one spare entry of {@code B / S}; the same for every block.
     */
    private static int[] transferCounts(int blockSize, int steps) {
        int[] n = new int[steps + 1];
        for (int s = 0; s <= steps; s++) {
            n[s] = blockSize / steps + (s < blockSize % steps ? 1 : 0);
        }
        return n;
    }

    private static int count(boolean[] masked) {
        int n = 0;
        for (boolean m : masked) {
            n += m ? 1 : 0;
        }
        return n;
    }

    /**
     * Autoregressive greedy decoding "with a causal mask" of a diffusion model: each new token is
     * the argmax at a mask placed after everything decided so far (no shift), recomputed from
     * scratch.
     */
    static int[] arGreedyWithMask(LlavaModel model, int[] prompt, float[] pixels, int maxNew, int maskId,
                                  IntPredicate eos) {
        int vocab = model.config().text().vocabSize();
        try (Tensor image = model.vision().encode(VisionInput.tile(pixels))) {
            int[] seq = Arrays.copyOf(prompt, prompt.length + maxNew);
            for (int n = 0; n < maxNew; n++) {
                int pos = prompt.length + n;
                seq[pos] = maskId;
                float[] logits = model.fullLogits(Arrays.copyOf(seq, pos + 1), image, 1);
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (logits[pos * vocab + v] > logits[pos * vocab + best]) {
                        best = v;
                    }
                }
                seq[pos] = best;
                if (eos.test(best)) {
                    return Arrays.copyOfRange(seq, prompt.length, pos);
                }
            }
            return Arrays.copyOfRange(seq, prompt.length, prompt.length + maxNew);
        }
    }

    private static boolean anyMasked(boolean[] masked) {
        for (boolean m : masked) {
            if (m) {
                return true;
            }
        }
        return false;
    }
}
