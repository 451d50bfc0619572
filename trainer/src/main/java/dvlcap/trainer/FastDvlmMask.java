package dvlcap.trainer;

/**
 * Fast-dVLM's training mask over {@code x_0 ⊕ x_t} (the clean sequence, then the noisy copy of
 * the answer), by each row's position and half. Answer blocks are aligned to the first answer
 * position {@code answerStart}: block {@code k} is positions
 * {@code answerStart + kB .. answerStart + (k+1)B - 1}, as the engine's blocks are (their first
 * position is the token the previous block's causal forward inherited).
 * <ul>
 *   <li>a clean row sees the clean rows at its position and before (token-causal: the
 *       autoregressive model, and the cache the decoders build);</li>
 *   <li>a noisy row sees the noisy rows of its own block (bidirectional) and the clean rows
 *       strictly before its block;</li>
 *   <li>a clean row never sees a noisy row.</li>
 * </ul>
 */
public record FastDvlmMask(int[] positions, boolean[] noisy, int answerStart, int blockSize) implements AttentionMask {

    public FastDvlmMask {
        if (positions.length != noisy.length) {
            throw new IllegalArgumentException(positions.length + " positions but " + noisy.length + " flags");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1, got " + blockSize);
        }
    }

    /** Start position of the answer block holding a noisy row. */
    private int blockStart(int row) {
        return answerStart + Math.floorDiv(positions[row] - answerStart, blockSize) * blockSize;
    }

    @Override
    public boolean visible(int query, int key) {
        if (!noisy[query]) {
            return !noisy[key] && positions[key] <= positions[query];
        }
        int start = blockStart(query);
        return noisy[key] ? blockStart(key) == start : positions[key] < start;
    }
}
