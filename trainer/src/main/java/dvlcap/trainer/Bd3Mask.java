package dvlcap.trainer;

/**
 * The BD3-LM training mask over {@code x_t ⊕ x_0}, by each row's position and half:
 * <ul>
 *   <li>a noisy row sees the noisy rows of its own block (bidirectional);</li>
 *   <li>a noisy row sees the clean rows of blocks strictly before its own;</li>
 *   <li>a clean row sees the clean rows of blocks up to and including its own (block-causal).</li>
 * </ul>
 * Blocks are {@code position / blockSize}, aligned to position 0 of the whole sequence.
 */
public record Bd3Mask(int[] positions, boolean[] noisy, int blockSize) implements AttentionMask {

    @Override
    public boolean visible(int query, int key) {
        int bq = positions[query] / blockSize, bk = positions[key] / blockSize;
        if (noisy[query]) {
            return noisy[key] ? bk == bq : bk < bq;
        }
        return !noisy[key] && bk <= bq;
    }
}
