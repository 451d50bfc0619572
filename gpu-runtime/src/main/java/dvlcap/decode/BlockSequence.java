package dvlcap.decode;

import dvlcap.nn.InputRows;
import dvlcap.nn.KvCache;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Block-diffusion decoding of one sequence (DESIGN.md §3). Blocks are aligned to absolute
 * position 0; the prompt's whole blocks and its leftover tokens behave as in the reference.
 *
 * <p>Unlike the reference, the forward that writes a finished block's keys and values into the
 * cache is fused with the first denoising step of the next block (and the prompt prefill with
 * the first step of the first block): the block-causal mask makes the clean block invisible to
 * nothing it should not see, so results are identical while each block costs one forward less.
 */
public final class BlockSequence implements Sequence {
    private final int[] prompt;
    private final int blockSize;
    private final int steps;
    private final Remasking remasking;
    private final TokenChooser chooser;
    private final int maxNew;
    private final int maskId;
    private final IntPredicate eos;
    private final KvCache cache;

    private int[] answer = new int[0];
    private int answerLength; // decided answer tokens (committed blocks)
    private int blockStart;
    private final int[] block;
    private final boolean[] masked;
    private final int[] schedule;
    private int step;
    private int blocks;
    private boolean done;
    private int generated;

    BlockSequence(int[] prompt, int blockSize, int steps, Remasking remasking, TokenChooser chooser, int maxNew,
                  int maskId, IntPredicate eos, KvCache cache) {
        this.prompt = prompt;
        this.blockSize = blockSize;
        this.steps = steps;
        this.remasking = remasking;
        this.chooser = chooser;
        this.maxNew = maxNew;
        this.maskId = maskId;
        this.eos = eos;
        this.cache = cache;
        this.block = new int[blockSize];
        this.masked = new boolean[blockSize];
        // As the reference: B spread over S once, for every block. The first block, whose leftover
        // prompt tokens leave fewer masks, takes the same counts capped by the masks left, and so
        // may finish in fewer steps.
        this.schedule = UnmaskSchedule.spread(blockSize, steps);
        answer = new int[Sequence.capacity(prompt.length, maxNew, blockSize) - prompt.length];
        startBlock(prompt.length / blockSize * blockSize);
    }

    private void startBlock(int start) {
        blockStart = start;
        for (int i = 0; i < blockSize; i++) {
            int pos = start + i;
            masked[i] = pos >= prompt.length;
            block[i] = masked[i] ? maskId : prompt[pos];
        }
        step = 0;
    }

    @Override
    public Work next() {
        int pos0 = cache.committed();
        int rows = blockStart + blockSize - pos0;
        int[] ids = new int[rows];
        for (int p = pos0; p < blockStart; p++) {
            ids[p - pos0] = p < prompt.length ? prompt[p] : answer[p - prompt.length];
        }
        int maskedCount = 0;
        for (int i = 0; i < blockSize; i++) {
            ids[blockStart - pos0 + i] = block[i];
            maskedCount += masked[i] ? 1 : 0;
        }
        int[] logitRows = new int[maskedCount];
        for (int i = 0, j = 0; i < blockSize; i++) {
            if (masked[i]) {
                logitRows[j++] = blockStart - pos0 + i;
            }
        }
        return new Work(pos0, ids, blockSize, logitRows, InputRows.imageRowsBefore(prompt, pos0));
    }

    @Override
    public void accept(int[] ids, float[] confidence, float[] logits, int vocab) {
        // The forward wrote clean keys for every position before this block.
        cache.commit(blockStart);
        float[] conf = new float[blockSize];
        int[] cand = new int[blockSize];
        for (int i = 0, r = 0; i < blockSize; i++) {
            if (masked[i]) {
                chooser.choose(r++, ids, confidence, logits, vocab, cand, conf, i);
            }
        }
        int k = step < schedule.length ? schedule[step] : blockSize;
        boolean[] chosen = remasking.select(conf, masked, k);
        step++;
        boolean remaining = false;
        for (int i = 0; i < blockSize; i++) {
            if (chosen[i] && masked[i]) {
                masked[i] = false;
                block[i] = cand[i];
            }
            remaining |= masked[i];
        }
        if (!remaining) {
            finishBlock();
        }
    }

    private void finishBlock() {
        blocks++;
        for (int i = 0; i < blockSize; i++) {
            int pos = blockStart + i;
            if (pos >= prompt.length) {
                answer[pos - prompt.length] = block[i];
            }
        }
        int start = Math.max(0, blockStart - prompt.length);
        int end = blockStart + blockSize - prompt.length;
        for (int a = start; a < Math.min(end, maxNew); a++) {
            if (eos.test(answer[a])) {
                answerLength = a;
                generated = a + 1;
                done = true;
                return;
            }
        }
        if (end >= maxNew) {
            answerLength = maxNew;
            generated = maxNew;
            done = true;
            return;
        }
        answerLength = end;
        generated = end;
        startBlock(blockStart + blockSize);
    }

    @Override
    public boolean done() {
        return done;
    }

    @Override
    public int[] answer() {
        return Arrays.copyOf(answer, answerLength);
    }

    @Override
    public int generated() {
        return generated;
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
