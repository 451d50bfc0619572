package dvlcap.trainer;

/**
 * Fast-dVLM's training mask over the clean sequence followed by one or more noisy copies of the
 * answer, by each row's position, copy and block:
 * <ul>
 *   <li>a clean row ({@code copy[r] == 0}) sees the clean rows at its position and before
 *       (token-causal: the autoregressive model, and the cache the decoders build);</li>
 *   <li>a noisy row sees the rows of its own copy and block (bidirectional) and the clean rows
 *       strictly before its block;</li>
 *   <li>a clean row never sees a noisy row, nor a noisy row another copy.</li>
 * </ul>
 *
 * @param positions each row's position
 * @param copy 0 for a clean row, {@code v >= 1} for a row of noisy copy v
 * @param blockStart a noisy row's block: the position its block starts at (ignored for clean rows)
 */
public record FastDvlmMask(int[] positions, int[] copy, int[] blockStart) implements AttentionMask {

    public FastDvlmMask {
        if (positions.length != copy.length || positions.length != blockStart.length) {
            throw new IllegalArgumentException(positions.length + " positions, " + copy.length + " copies, "
                    + blockStart.length + " block starts");
        }
    }

    @Override
    public boolean visible(int query, int key) {
        if (copy[query] == 0) {
            return copy[key] == 0 && positions[key] <= positions[query];
        }
        if (copy[key] == 0) {
            return positions[key] < blockStart[query];
        }
        return copy[key] == copy[query] && blockStart[key] == blockStart[query];
    }
}
