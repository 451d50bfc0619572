package dvlcap.decode;

import dvlcap.nn.InputRows;
import dvlcap.nn.KvCache;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Block decoding of a model trained Fast-dVLM's way (causal-LM loss on the clean half, token
 * shift), as its MDM mode does it:
 * <ol>
 *   <li>the prompt is prefilled causally and its last row gives the first answer token;</li>
 *   <li>a block of {@code B} positions starts at the newest decided token (inherited, clean)
 *       followed by masks; each denoising step runs the block bidirectionally against the cache
 *       and reads the prediction for position {@code i} at row {@code i - 1} (token shift); the
 *       remasking policy (usually {@link SubBlockRemasking}) unmasks some positions;</li>
 *   <li>a clean block is written into the cache by a causal forward (clean tokens attend
 *       causally, as the model was trained), whose last row gives the next block's inherited
 *       token.</li>
 * </ol>
 * Unlike DiffusionVL-style decoding ({@link BlockSequence}) the cache write cannot be fused into
 * the next block's first step, because that block starts with the token the write predicts: a
 * block costs its denoising steps plus one forward.
 */
public final class FastBlockSequence implements Sequence {
    private enum Phase { PREFILL, DENOISE, COMMIT }

    private final int[] prompt;
    private final int blockSize;
    private final int steps;
    private final Remasking remasking;
    private final TokenChooser chooser;
    private final int maskId;
    private final KvCache cache;
    private final AnswerTokens answer; // the inherited token included
    private final int[] block;
    private final boolean[] masked;
    private final int[] schedule;

    private Phase phase = Phase.PREFILL;
    private int step;
    private int blocks;

    FastBlockSequence(int[] prompt, int blockSize, int steps, Remasking remasking, TokenChooser chooser, int maxNew,
                      int maskId, IntPredicate eos, KvCache cache) {
        if (blockSize < 2) {
            throw new IllegalArgumentException("block decoding of a causal-LM model needs a block of at least 2, got "
                    + blockSize);
        }
        this.prompt = prompt;
        this.blockSize = blockSize;
        this.steps = steps;
        this.remasking = remasking;
        this.chooser = chooser;
        this.maskId = maskId;
        this.cache = cache;
        this.answer = new AnswerTokens(maxNew, eos);
        this.block = new int[blockSize];
        this.masked = new boolean[blockSize];
        // the inherited token is decided, so B - 1 positions are spread over the steps
        this.schedule = UnmaskSchedule.spread(blockSize - 1, Math.min(steps, blockSize - 1));
    }

    @Override
    public Work next() {
        int pos0 = cache.committed();
        int imageRow0 = InputRows.imageRowsBefore(prompt, pos0);
        return switch (phase) {
            case PREFILL -> {
                int[] ids = Arrays.copyOfRange(prompt, pos0, prompt.length);
                yield new Work(pos0, ids, 1, new int[]{ids.length - 1}, imageRow0);
            }
            case DENOISE -> {
                int n = 0;
                for (boolean m : masked) {
                    n += m ? 1 : 0;
                }
                int[] rows = new int[n];
                for (int i = 1, j = 0; i < blockSize; i++) {
                    if (masked[i]) {
                        rows[j++] = i - 1; // token shift
                    }
                }
                yield new Work(pos0, block.clone(), Integer.MAX_VALUE, rows, imageRow0);
            }
            case COMMIT -> new Work(pos0, block.clone(), 1, new int[]{blockSize - 1}, imageRow0);
        };
    }

    @Override
    public void accept(int[] ids, float[] confidence, float[] logits, int vocab) {
        switch (phase) {
            case PREFILL -> {
                cache.commit(prompt.length);
                int[] t = new int[1];
                chooser.choose(0, ids, confidence, logits, vocab, t, new float[1], 0);
                answer.emit(t[0]);
                if (!answer.done()) {
                    startBlock();
                }
            }
            case DENOISE -> denoise(ids, confidence, logits, vocab);
            case COMMIT -> {
                blocks++;
                cache.commit(cache.committed() + blockSize);
                int[] t = new int[1];
                chooser.choose(0, ids, confidence, logits, vocab, t, new float[1], 0);
                answer.emit(t[0]);
                if (!answer.done()) {
                    startBlock();
                }
            }
        }
    }

    private void startBlock() {
        block[0] = answer.last();
        masked[0] = false;
        Arrays.fill(block, 1, blockSize, maskId);
        Arrays.fill(masked, 1, blockSize, true);
        step = 0;
        phase = Phase.DENOISE;
    }

    private void denoise(int[] ids, float[] confidence, float[] logits, int vocab) {
        float[] conf = new float[blockSize];
        int[] cand = new int[blockSize];
        for (int i = 1, r = 0; i < blockSize; i++) {
            if (masked[i]) {
                chooser.choose(r++, ids, confidence, logits, vocab, cand, conf, i);
            }
        }
        int k = step < schedule.length ? schedule[step] : blockSize;
        boolean[] chosen = remasking.select(conf, masked, k);
        step++;
        boolean remaining = false;
        for (int i = 1; i < blockSize; i++) {
            if (chosen[i] && masked[i]) {
                masked[i] = false;
                block[i] = cand[i];
            }
            remaining |= masked[i];
        }
        if (remaining) {
            return;
        }
        // The block is clean: its tokens are answer tokens; stop at EOS or the length bound before writing it.
        for (int i = 1; i < blockSize && !answer.done(); i++) {
            answer.emit(block[i]);
        }
        if (answer.done()) {
            blocks++;
        } else {
            phase = Phase.COMMIT;
        }
    }

    @Override
    public boolean done() {
        return answer.done();
    }

    @Override
    public int[] answer() {
        return answer.answer();
    }

    @Override
    public int generated() {
        return answer.length();
    }

    @Override
    public int blocks() {
        return blocks;
    }

    @Override
    public KvCache cache() {
        return cache;
    }
}
