package dvlcap.trainer;

/**
 * Which keys a query may attend to, by row index in the attended sequence. One attention routine
 * serves every stage: bidirectional (vision tower), causal (AR stage), the BD3 three-part mask.
 */
@FunctionalInterface
public interface AttentionMask {

    boolean visible(int query, int key);

    /** Every query sees every key (the vision tower). */
    static AttentionMask full() {
        return (q, k) -> true;
    }

    /** A query sees itself and the keys before it (next-token prediction). */
    static AttentionMask causal() {
        return (q, k) -> k <= q;
    }

    /** The mask as an {@code n x n} matrix, row = query; for tests and printing. */
    static boolean[][] matrix(AttentionMask mask, int n) {
        boolean[][] m = new boolean[n][n];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k < n; k++) {
                m[q][k] = mask.visible(q, k);
            }
        }
        return m;
    }
}
