package dvlcap.decode;

import dvlcap.nn.InputRows;
import dvlcap.nn.KvCache;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Fast-dVLM's speculative block decoding of one sequence (DESIGN.md §3), greedy. A model trained
 * with the causal-LM loss on its clean half is both a drafter and its own verifier:
 * <ol>
 *   <li>the prompt is prefilled causally; its last row's logits give the first answer token, the
 *       "inherited" token;</li>
 *   <li>a block of {@code B} rows starts with the inherited token followed by masks; one
 *       bidirectional forward drafts every mask, each from the logits one position earlier (token
 *       shift);</li>
 *   <li>a causal forward of the same block verifies: the drafts are accepted while the causal
 *       prediction at row {@code i} equals the draft at {@code i + 1}, and the causal prediction
 *       after the last accepted token is taken too (the correction);</li>
 *   <li>the cache keeps the rows of the inherited and accepted tokens (their keys are causal, as
 *       an autoregressive forward would have written them) and drops the rest; the correction is
 *       the next block's inherited token.</li>
 * </ol>
 * Every emitted token is a causal argmax given the tokens before it, so the answer equals the
 * model's autoregressive greedy answer ({@link ArSequence}) token for token.
 */
public final class SpeculativeSequence implements Sequence {
    private enum Phase { PREFILL, DRAFT, VERIFY }

    private final int[] prompt;
    private final int blockSize;
    private final int maskId;
    private final KvCache cache;
    private final AnswerTokens answer; // the inherited token included
    private final int[] block;

    private Phase phase = Phase.PREFILL;
    private int verifies;

    SpeculativeSequence(int[] prompt, int blockSize, int maxNew, int maskId, IntPredicate eos, KvCache cache) {
        if (blockSize < 2) {
            throw new IllegalArgumentException("speculative decoding needs a block of at least 2 tokens, got "
                    + blockSize);
        }
        this.prompt = prompt;
        this.blockSize = blockSize;
        this.maskId = maskId;
        this.cache = cache;
        this.answer = new AnswerTokens(maxNew, eos);
        this.block = new int[blockSize];
    }

    @Override
    public Work next() {
        int pos0 = cache.committed();
        int imageRow0 = InputRows.imageRowsBefore(prompt, pos0);
        if (phase == Phase.PREFILL) {
            int[] ids = Arrays.copyOfRange(prompt, pos0, prompt.length);
            return new Work(pos0, ids, 1, new int[]{ids.length - 1}, imageRow0);
        }
        // The block starts at the inherited token, the only decided token not yet in the cache.
        int[] rows = new int[blockSize];
        for (int i = 0; i < blockSize; i++) {
            rows[i] = i;
        }
        if (phase == Phase.DRAFT) {
            block[0] = answer.last();
            Arrays.fill(block, 1, blockSize, maskId);
            // Shifted logits: the draft for row i + 1 is read at row i.
            return new Work(pos0, block.clone(), Integer.MAX_VALUE, Arrays.copyOf(rows, blockSize - 1), imageRow0);
        }
        return new Work(pos0, block.clone(), 1, rows, imageRow0);
    }

    @Override
    public void accept(int[] ids, float[] confidence, float[] logits, int vocab) {
        switch (phase) {
            case PREFILL -> {
                cache.commit(prompt.length);
                answer.emit(ids[0]);
                phase = Phase.DRAFT;
            }
            case DRAFT -> {
                System.arraycopy(ids, 0, block, 1, blockSize - 1);
                phase = Phase.VERIFY;
            }
            case VERIFY -> verify(ids);
        }
    }

    private void verify(int[] causal) {
        verifies++;
        int blockStart = cache.committed();
        int m = 0;
        while (m < blockSize - 1 && causal[m] == block[m + 1]) {
            m++;
        }
        // Rows 0..m hold the inherited token and the accepted drafts: their causal keys stay.
        cache.commit(blockStart + m + 1);
        for (int i = 1; i <= m && !answer.done(); i++) {
            answer.emit(block[i]);
        }
        if (!answer.done()) {
            answer.emit(causal[m]);
        }
        phase = Phase.DRAFT;
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

    /** Verify steps run (each a draft and a verify forward). */
    @Override
    public int blocks() {
        return verifies;
    }

    @Override
    public KvCache cache() {
        return cache;
    }
}
