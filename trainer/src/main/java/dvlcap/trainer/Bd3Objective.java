package dvlcap.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stage 2, the BD3-LM block-diffusion objective (DESIGN.md §7).
 *
 * <p>The answer is padded with EOS to the next block boundary (blocks aligned to position 0 of
 * prompt + answer). Each block holding answer tokens gets one noise level t in [tMin, 1]; the
 * levels of all blocks in the batch are stratified (antithetic): block k of K takes a uniform
 * draw inside stratum π(k) of K equal strata, π a seeded permutation. Each answer token of the
 * block is replaced by the mask row with probability t. The model reads {@code x_t ⊕ x_0} under
 * {@link Bd3Mask}, positions 0..L-1 in both halves; the loss is CE at the masked rows of the noisy
 * half (same position, no shift) weighted 1/t, divided by the batch's answer-token count.
 *
 * <p>Layout: whole prompt blocks appear once, as clean rows shared by both halves; the rest
 * (the prompt's leftover head of the first answer block, then the answer) appears twice, noisy
 * then clean. This equals the full duplication: a noisy copy of a whole prompt block is seen
 * only by itself, and its outputs are never read, so dropping it changes no loss or gradient.
 */
public final class Bd3Objective implements Objective {
    private final int blockSize;
    private final int maskTokenId;
    private final int eosTokenId;
    private final double tMin;

    public Bd3Objective(int blockSize, int maskTokenId, int eosTokenId) {
        this(blockSize, maskTokenId, eosTokenId, 1e-3);
    }

    public Bd3Objective(int blockSize, int maskTokenId, int eosTokenId, double tMin) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1, got " + blockSize);
        }
        this.blockSize = blockSize;
        this.maskTokenId = maskTokenId;
        this.eosTokenId = eosTokenId;
        this.tMin = tMin;
    }

    @Override
    public String name() {
        return "bd3";
    }

    /** The answer padded with EOS so that prompt + answer ends on a block boundary. */
    public int[] paddedAnswer(int promptLength, int[] answer) {
        int end = promptLength + answer.length;
        int padded = (end + blockSize - 1) / blockSize * blockSize;
        int[] out = new int[padded - promptLength];
        System.arraycopy(answer, 0, out, 0, answer.length);
        for (int i = answer.length; i < out.length; i++) {
            out[i] = eosTokenId;
        }
        return out;
    }

    /** Blocks (of the whole sequence) that hold answer tokens. */
    private int answerBlocks(int promptLength, int paddedAnswer) {
        return (promptLength + paddedAnswer) / blockSize - promptLength / blockSize;
    }

    @Override
    public List<TrainingExample> batch(List<CaptionSample> samples, SplittableRandom random) {
        int totalBlocks = 0, answerTokens = 0;
        List<int[]> answers = new ArrayList<>();
        for (CaptionSample s : samples) {
            int[] a = paddedAnswer(s.prompt().length, s.answer());
            answers.add(a);
            answerTokens += a.length;
            totalBlocks += answerBlocks(s.prompt().length, a.length);
        }
        double[] t = noiseLevels(totalBlocks, random);
        List<TrainingExample> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < samples.size(); i++) {
            CaptionSample s = samples.get(i);
            int blocks = answerBlocks(s.prompt().length, answers.get(i).length);
            double[] mine = java.util.Arrays.copyOfRange(t, next, next + blocks);
            next += blocks;
            out.add(example(s.pixels(), s.prompt(), answers.get(i), mine, random, 1f / answerTokens));
        }
        return out;
    }

    /** Stratified levels in [tMin, 1], one per block, strata shuffled. */
    double[] noiseLevels(int n, SplittableRandom random) {
        return stratified(n, tMin, random);
    }

    /**
     * {@code n} levels in [tMin, 1], one in each of n equal strata, the strata in a seeded random
     * order (antithetic sampling across a batch).
     */
    static double[] stratified(int n, double tMin, SplittableRandom random) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            double u = (perm[i] + random.nextDouble()) / n;
            t[i] = tMin + (1 - tMin) * u;
        }
        return t;
    }

    /**
     * One example with the given per-block noise levels ({@code t[b]} for the b-th block holding
     * answer tokens). {@code answer} must already be padded.
     */
    public TrainingExample example(float[] pixels, int[] prompt, int[] answer, double[] t, SplittableRandom random,
                                   float weight) {
        int p = prompt.length, len = p + answer.length;
        int k0 = p / blockSize * blockSize; // start of the first block holding answer tokens
        int tail = len - k0;
        int rows = k0 + 2 * tail;
        int[] clean = new int[len];
        System.arraycopy(prompt, 0, clean, 0, p);
        System.arraycopy(answer, 0, clean, p, answer.length);

        int[] tokens = new int[rows], positions = new int[rows];
        boolean[] noisy = new boolean[rows];
        for (int r = 0; r < k0; r++) {
            tokens[r] = clean[r];
            positions[r] = r;
        }
        List<Integer> lossRows = new ArrayList<>();
        List<Integer> lossTokens = new ArrayList<>();
        List<Float> lossWeights = new ArrayList<>();
        for (int i = 0; i < tail; i++) {
            int pos = k0 + i;
            int noisyRow = k0 + i, cleanRow = k0 + tail + i;
            positions[noisyRow] = pos;
            positions[cleanRow] = pos;
            noisy[noisyRow] = true;
            tokens[cleanRow] = clean[pos];
            tokens[noisyRow] = clean[pos];
            if (pos >= p) {
                double level = t[pos / blockSize - k0 / blockSize];
                if (random.nextDouble() < level) {
                    tokens[noisyRow] = maskTokenId;
                    lossRows.add(noisyRow);
                    lossTokens.add(clean[pos]);
                    lossWeights.add((float) (weight / level));
                }
            }
        }
        int[] lr = lossRows.stream().mapToInt(Integer::intValue).toArray();
        int[] lt = lossTokens.stream().mapToInt(Integer::intValue).toArray();
        float[] lw = new float[lr.length];
        for (int i = 0; i < lw.length; i++) {
            lw[i] = lossWeights.get(i);
        }
        return new TrainingExample(pixels, new LmInput(tokens, positions, new Bd3Mask(positions, noisy, blockSize)),
                new LossTargets(lr, lt, lw));
    }
}
