package dvlcap.trainer;

/** Weighted softmax cross-entropy over rows of logits, with its gradient. */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * Returns {@code sum_r weights[r] * (logsumexp(z_r) - z_r[target_r])} and overwrites
     * {@code logits} with its gradient.
     */
    public static double lossAndGradient(float[] logits, int vocab, int[] targets, float[] weights) {
        double loss = 0;
        for (int r = 0; r < targets.length; r++) {
            int o = r * vocab;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) {
                max = Math.max(max, logits[o + i]);
            }
            double sum = 0;
            for (int i = 0; i < vocab; i++) {
                sum += Math.exp(logits[o + i] - max);
            }
            double lse = max + Math.log(sum);
            loss += weights[r] * (lse - logits[o + targets[r]]);
            for (int i = 0; i < vocab; i++) {
                logits[o + i] = (float) (weights[r] * Math.exp(logits[o + i] - lse));
            }
            logits[o + targets[r]] -= weights[r];
        }
        return loss;
    }
}
