package dvlcap.decode;

/**
 * Unmasks the static top-k together with every masked position whose confidence exceeds the
 * threshold: {@code top-k ∪ {c > τ}}. With {@code τ > 1} this is static remasking; with
 * {@code τ <= 0} every position unmasks at once.
 */
public final class DynamicRemasking implements Remasking {
    private final float threshold;

    public DynamicRemasking(float threshold) {
        this.threshold = threshold;
    }

    @Override
    public boolean[] select(float[] confidence, boolean[] masked, int k) {
        boolean[] chosen = StaticRemasking.topK(confidence, masked, Math.max(1, k));
        for (int i = 0; i < masked.length; i++) {
            if (masked[i] && confidence[i] > threshold) {
                chosen[i] = true;
            }
        }
        return chosen;
    }
}
