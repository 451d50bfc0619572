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
 * <p>Blocks are aligned to the first answer token, as at inference: a block starts with the token
 * the previous block's causal forward predicted (the prompt's last row for the first block), then
 * {@code B - 1} masks. The answer is padded with EOS to a whole number of blocks.
 *
 * <p>Layout: the clean rows are the autoregressive sequence, prompt + answer without its last
 * token (positions {@code 0 .. P+A-2}); the noisy rows are the padded answer (positions
 * {@code P .. P+A'-1}), same positions, under {@link FastDvlmMask}. Noisy rows see only clean
 * positions before their block, which all lie in the clean rows.
 *
 * <p>Noise: one level t per block in [tMin, 1], stratified across the batch (as {@link Bd3Objective});
 * every answer position of the block except its first is replaced by the mask row with
 * probability t. The first position is never masked: at inference it is the inherited token, and
 * its prediction is the causal loss's.
 *
 * <p>Loss = {@code diffusionWeight} × diffusion + {@code causalWeight} × causal, 0.5 / 0.5 by default:
 * <ul>
 *   <li>diffusion: cross-entropy of each masked answer token {@code i}, read at the noisy row of
 *       position {@code i - 1} (token shift; that row is in the same block), weighted 1/t, divided
 *       by the batch's count of maskable positions (so its expectation is the mean CE per maskable
 *       position);</li>
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

    public FastDvlmObjective(int blockSize, int maskTokenId, int eosTokenId) {
        this(blockSize, maskTokenId, eosTokenId, 1e-3, 0.5f, 0.5f);
    }

    public FastDvlmObjective(int blockSize, int maskTokenId, int eosTokenId, double tMin, float diffusionWeight,
                             float causalWeight) {
        if (blockSize < 2) {
            throw new IllegalArgumentException("Fast-dVLM blocks start with an inherited token: block size must be at "
                    + "least 2, got " + blockSize);
        }
        this.blockSize = blockSize;
        this.maskTokenId = maskTokenId;
        this.eosTokenId = eosTokenId;
        this.tMin = tMin;
        this.diffusionWeight = diffusionWeight;
        this.causalWeight = causalWeight;
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
        return new FastDvlmObjective(b, maskTokenId, eosTokenId, tMin, diffusionWeight, causalWeight);
    }

    /** The answer padded with EOS to a whole number of blocks counted from its first token. */
    public int[] paddedAnswer(int[] answer) {
        int padded = (answer.length + blockSize - 1) / blockSize * blockSize;
        int[] out = new int[padded];
        System.arraycopy(answer, 0, out, 0, answer.length);
        for (int i = answer.length; i < padded; i++) {
            out[i] = eosTokenId;
        }
        return out;
    }

    @Override
    public List<TrainingExample> batch(List<CaptionSample> samples, SplittableRandom random) {
        int totalBlocks = 0, maskable = 0, answerTokens = 0;
        for (CaptionSample s : samples) {
            int blocks = (s.answer().length + blockSize - 1) / blockSize;
            totalBlocks += blocks;
            maskable += blocks * (blockSize - 1);
            answerTokens += s.answer().length;
        }
        double[] t = Bd3Objective.stratified(totalBlocks, tMin, random);
        List<TrainingExample> out = new ArrayList<>();
        int next = 0;
        for (CaptionSample s : samples) {
            int blocks = (s.answer().length + blockSize - 1) / blockSize;
            double[] mine = java.util.Arrays.copyOfRange(t, next, next + blocks);
            next += blocks;
            out.add(example(s.pixels(), s.prompt(), s.answer(), mine, random, diffusionWeight / maskable,
                    causalWeight / answerTokens));
        }
        return out;
    }

    /**
     * One example: {@code answer} unpadded (ending in EOS), {@code t[k]} the noise level of answer
     * block k; each masked token weighs {@code diffusionWeight / t}, each causal target
     * {@code causalWeight}.
     */
    public TrainingExample example(float[] pixels, int[] prompt, int[] answer, double[] t, SplittableRandom random,
                                   float diffusionWeight, float causalWeight) {
        int p = prompt.length, a = answer.length;
        int[] padded = paddedAnswer(answer);
        int cleanRows = p + a - 1, rows = cleanRows + padded.length;
        int[] tokens = new int[rows], positions = new int[rows];
        boolean[] noisy = new boolean[rows];
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
        for (int i = 0; i < padded.length; i++) {
            int row = cleanRows + i;
            positions[row] = p + i;
            noisy[row] = true;
            tokens[row] = padded[i];
            double level = t[i / blockSize];
            if (i % blockSize != 0 && random.nextDouble() < level) {
                tokens[row] = maskTokenId;
                lossRows.add(row - 1); // token shift: position i is predicted at position i - 1, same block
                lossTokens.add(padded[i]);
                lossWeights.add((float) (diffusionWeight / level));
            }
        }
        int[] lr = lossRows.stream().mapToInt(Integer::intValue).toArray();
        int[] lt = lossTokens.stream().mapToInt(Integer::intValue).toArray();
        float[] lw = new float[lr.length];
        for (int i = 0; i < lw.length; i++) {
            lw[i] = lossWeights.get(i);
        }
        return new TrainingExample(pixels, new LmInput(tokens, positions, new FastDvlmMask(positions, noisy, p, blockSize)),
                new LossTargets(lr, lt, lw));
    }
}
