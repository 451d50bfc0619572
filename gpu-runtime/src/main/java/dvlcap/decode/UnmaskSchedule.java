package dvlcap.decode;

/**
 * How many positions each of S steps unmasks: an even spread, remainder to the first steps. Block
 * decoding spreads the block size B, the same for every block as DiffusionVL's
 * {@code get_bd3lm_num_transfer_tokens(block_size, steps)} does; a step whose count exceeds the
 * masks left unmasks those that are left.
 */
public final class UnmaskSchedule {
    private UnmaskSchedule() {
    }

    public static int[] spread(int tokens, int steps) {
        int[] k = new int[steps];
        int base = tokens / steps, extra = tokens % steps;
        for (int s = 0; s < steps; s++) {
            k[s] = base + (s < extra ? 1 : 0);
        }
        return k;
    }
}
