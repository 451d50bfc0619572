package dvlcap.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fast-dVLM's direct-conversion objective (DESIGN.md §7): the block-diffusion loss on a noisy copy
 * of the answer plus a causal-LM loss on the clean sequence, in one forward, made so that the
 * model decodes with the engine's Fast-dVLM decoders (speculative blocks and sub-block denoising,
 * {@code causal_lm_loss} in config.json).
 *
 * <p>Blocks are aligned to the first answer token, as sub-block decoding's are: a block starts
 * with the token the previous block's causal forward predicted (the prompt's last row for the
 * first block), then {@code B - 1} masks. The answer is padded with EOS to a whole number of
 * blocks. Speculative decoding starts its blocks wherever the last correction landed; with
 * {@code shiftProbability > 0} an example's block grid is shifted, with that probability, by s
 * drawn uniformly from 1 .. min(B, A) - 1: blocks then start at answer tokens 0 (a short block of
 * s), s, s + B, ... (0, the default, is Fast-dVLM's aligned grid).
 *
 * <p>Layout: the clean rows are the autoregressive sequence, prompt + answer without its last
 * token (positions {@code 0 .. P+A-2}); then the noisy copies of the padded answer (positions
 * {@code P .. P+A'-1} each), same positions, under {@link FastDvlmMask}. Noisy rows see only clean
 * positions before their block, which all lie in the clean rows.
 *
 * <p>Noise: one level t per block in [tMin, 1], stratified across the batch (as {@link Bd3Objective});
 * every answer position of the block except its first is replaced by the mask row with
 * probability t. The first position is never masked: at inference it is the inherited token, and
 * its prediction is the causal loss's. With {@code complementary} (Fast-dLLM v2's complementary
 * masks) a second noisy copy masks exactly the maskable positions the first left clean, at level
 * {@code 1 - t} (at least tMin), so every maskable position is in the diffusion loss once.
 *
 * <p>Loss = {@code diffusionWeight} × diffusion + {@code causalWeight} × causal, 0.5 / 0.5 by default:
 * <ul>
 *   <li>diffusion: cross-entropy of each masked answer token {@code i}, read at the noisy row of
 *       position {@code i - 1} (token shift; that row is in the same block), weighted 1/t, divided
 *       by the batch's count of maskable positions (so its expectation is the mean CE per maskable
 *       position; with two copies, each copy's loss is half of it);</li>
 *   <li>causal: next-token cross-entropy on the clean rows, the row at {@code P-1+j} predicting
 *       answer token {@code j} (EOS included, padding not), the mean over the batch's answer
 *       tokens: the AR stage's loss.</li>
 * </ul>
 */
public final class FastDvlmObjective implements Objective {
    private final int blockSize;
    private final int maskTokenId;
    private final int eosTokenId;
    private final double tMin;
    private final float diffusionWeight;
    private final float causalWeight;
    private final boolean complementary;
    private final double shiftProbability;

    public FastDvlmObjective(int blockSize, int maskTokenId, int eosTokenId) {
        this(blockSize, maskTokenId, eosTokenId, 1e-3, 0.5f, 0.5f, false, 0);
    }

    public FastDvlmObjective(int blockSize, int maskTokenId, int eosTokenId, double tMin, float diffusionWeight,
                             float causalWeight, boolean complementary, double shiftProbability) {
        if (blockSize < 2) {
            throw new IllegalArgumentException("Fast-dVLM blocks start with an inherited token: block size must be at "
                    + "least 2, got " + blockSize);
        }
        if (shiftProbability < 0 || shiftProbability > 1) {
            throw new IllegalArgumentException("shift probability must be in [0, 1], got " + shiftProbability);
        }
        this.blockSize = blockSize;
        this.maskTokenId = maskTokenId;
        this.eosTokenId = eosTokenId;
        this.tMin = tMin;
        this.diffusionWeight = diffusionWeight;
        this.causalWeight = causalWeight;
        this.complementary = complementary;
        this.shiftProbability = shiftProbability;
    }

    /** The objective with complementary masks and block-grid shifts as given. */
    public FastDvlmObjective with(boolean complementaryMasks, double shift) {
        return new FastDvlmObjective(blockSize, maskTokenId, eosTokenId, tMin, diffusionWeight, causalWeight,
                complementaryMasks, shift);
    }

    @Override
    public String name() {
        return "fast";
    }

    public int blockSize() {
        return blockSize;
    }

    /** The same objective with another block size (block-size annealing). */
    public FastDvlmObjective withBlockSize(int b) {
        return new FastDvlmObjective(b, maskTokenId, eosTokenId, tMin, diffusionWeight, causalWeight, complementary,
                shiftProbability);
    }

    private int copies() {
        return complementary ? 2 : 1;
    }

    /**
     * Answer indices where blocks start, for an answer of {@code length} tokens and a grid shift
     * {@code shift} (0, or 1 .. min(B, length) - 1): 0, then shift, shift + B, ... below length.
     */
    public int[] blockStarts(int length, int shift) {
        if (shift < 0 || shift >= blockSize || (shift > 0 && shift >= length)) {
            throw new IllegalArgumentException("shift " + shift + " for block " + blockSize + ", answer " + length);
        }
        List<Integer> starts = new ArrayList<>();
        if (shift > 0) {
            starts.add(0);
        }
        for (int s = shift; s < length; s += blockSize) {
            starts.add(s);
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The answer padded with EOS to a whole number of blocks counted from its first token. */
    public int[] paddedAnswer(int[] answer) {
        return paddedAnswer(answer, 0);
    }

    /** The answer padded with EOS to the end of the block holding its last token, under a grid shift. */
    public int[] paddedAnswer(int[] answer, int shift) {
        int[] starts = blockStarts(answer.length, shift);
        int[] out = new int[starts[starts.length - 1] + blockSize];
        System.arraycopy(answer, 0, out, 0, answer.length);
        for (int i = answer.length; i < out.length; i++) {
            out[i] = eosTokenId;
        }
        return out;
    }

    @Override
    public List<TrainingExample> batch(List<CaptionSample> samples, SplittableRandom random) {
        int[] shifts = new int[samples.size()];
        int totalBlocks = 0, maskable = 0, answerTokens = 0;
        for (int k = 0; k < samples.size(); k++) {
            int a = samples.get(k).answer().length;
            if (shiftProbability > 0 && a > 1 && random.nextDouble() < shiftProbability) {
                shifts[k] = 1 + random.nextInt(Math.min(blockSize, a) - 1);
            }
            int blocks = blockStarts(a, shifts[k]).length;
            totalBlocks += blocks;
            maskable += paddedAnswer(samples.get(k).answer(), shifts[k]).length - blocks;
            answerTokens += a;
        }
        double[] t = Bd3Objective.stratified(totalBlocks, tMin, random);
        List<TrainingExample> out = new ArrayList<>();
        int next = 0;
        for (int k = 0; k < samples.size(); k++) {
            CaptionSample s = samples.get(k);
            int blocks = blockStarts(s.answer().length, shifts[k]).length;
            double[] mine = java.util.Arrays.copyOfRange(t, next, next + blocks);
            next += blocks;
            out.add(example(s.pixels(), s.prompt(), s.answer(), shifts[k], mine, random,
                    diffusionWeight / (copies() * (float) maskable), causalWeight / answerTokens));
        }
        return out;
    }

    /** {@link #example(float[], int[], int[], int, double[], SplittableRandom, float, float)} on the aligned grid. */
    public TrainingExample example(float[] pixels, int[] prompt, int[] answer, double[] t, SplittableRandom random,
                                   float diffusionWeight, float causalWeight) {
        return example(pixels, prompt, answer, 0, t, random, diffusionWeight, causalWeight);
    }

    /**
     * One example: {@code answer} unpadded (ending in EOS), grid shift {@code shift}, {@code t[k]}
     * the noise level of answer block k; each masked token weighs {@code diffusionWeight / level},
     * each causal target {@code causalWeight}.
     */
    public TrainingExample example(float[] pixels, int[] prompt, int[] answer, int shift, double[] t,
                                   SplittableRandom random, float diffusionWeight, float causalWeight) {
        int p = prompt.length, a = answer.length;
        int[] padded = paddedAnswer(answer, shift);
        int[] starts = blockStarts(a, shift);
        int[] blockOf = new int[padded.length];
        for (int i = 0, b = 0; i < padded.length; i++) {
            while (b + 1 < starts.length && starts[b + 1] <= i) {
                b++;
            }
            blockOf[i] = b;
        }
        int cleanRows = p + a - 1, rows = cleanRows + copies() * padded.length;
        int[] tokens = new int[rows], positions = new int[rows], copy = new int[rows], blockStart = new int[rows];
        System.arraycopy(prompt, 0, tokens, 0, p);
        System.arraycopy(answer, 0, tokens, p, a - 1);
        for (int r = 0; r < cleanRows; r++) {
            positions[r] = r;
        }
        List<Integer> lossRows = new ArrayList<>();
        List<Integer> lossTokens = new ArrayList<>();
        List<Float> lossWeights = new ArrayList<>();
        for (int j = 0; j < a; j++) {
            lossRows.add(p - 1 + j);
            lossTokens.add(answer[j]);
            lossWeights.add(causalWeight);
        }
        boolean[] maskedFirst = new boolean[padded.length];
        for (int v = 1; v <= copies(); v++) {
            for (int i = 0; i < padded.length; i++) {
                int row = cleanRows + (v - 1) * padded.length + i, b = blockOf[i];
                positions[row] = p + i;
                copy[row] = v;
                blockStart[row] = p + starts[b];
                tokens[row] = padded[i];
                if (i == starts[b]) {
                    continue; // the inherited token
                }
                boolean masked;
                double level;
                if (v == 1) {
                    level = t[b];
                    masked = maskedFirst[i] = random.nextDouble() < level;
                } else {
                    level = Math.max(1 - t[b], tMin);
                    masked = !maskedFirst[i];
                }
                if (masked) {
                    tokens[row] = maskTokenId;
                    lossRows.add(row - 1); // token shift: position i is predicted at position i - 1, same block
                    lossTokens.add(padded[i]);
                    lossWeights.add((float) (diffusionWeight / level));
                }
            }
        }
        int[] lr = lossRows.stream().mapToInt(Integer::intValue).toArray();
        int[] lt = lossTokens.stream().mapToInt(Integer::intValue).toArray();
        float[] lw = new float[lr.length];
        for (int i = 0; i < lw.length; i++) {
            lw[i] = lossWeights.get(i);
        }
        return new TrainingExample(pixels, new LmInput(tokens, positions, new FastDvlmMask(positions, copy, blockStart)),
                new LossTargets(lr, lt, lw));
    }
}
