package dvlcap.trainer;

/**
 * The loss of one sequence: {@code sum_i weights[i] * CE(logits[rows[i]], tokens[i])}. The
 * objective puts the normalization (answer-token count, 1/t) into the weights.
 */
public record LossTargets(int[] rows, int[] tokens, float[] weights) {

    public LossTargets {
        if (rows.length != tokens.length || rows.length != weights.length) {
            throw new IllegalArgumentException("rows, tokens and weights differ in length");
        }
    }

    public int size() {
        return rows.length;
    }

    public LossTargets scaled(float s) {
        float[] w = weights.clone();
        for (int i = 0; i < w.length; i++) {
            w[i] *= s;
        }
        return new LossTargets(rows, tokens, w);
    }
}
