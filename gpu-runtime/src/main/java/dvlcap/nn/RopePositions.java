package dvlcap.nn;

/**
 * Where one sequence's rows sit for a multi-section (M-RoPE) rotary embedding, when that is not
 * simply their cache slot: a position per section (temporal, height, width) for every slot.
 */
public interface RopePositions {

    /** Number of sections (3 for M-RoPE). */
    int sections();

    /**
     * Writes the positions of slots {@code slot0 .. slot0 + n - 1}: section {@code s} of slot
     * {@code slot0 + i} goes to {@code out[s][off + i]}.
     */
    void fill(int slot0, int n, int[][] out, int off);
}
