package dvlcap.trainer;

/**
 * Linear warmup from 0 to {@code peak} over {@code warmup} steps, then cosine decay to
 * {@code peak * minRatio} at {@code total} steps. Steps count from 1.
 */
public record LearningRate(double peak, int warmup, int total, double minRatio) {

    public double at(int step) {
        if (warmup > 0 && step <= warmup) {
            return peak * step / warmup;
        }
        int decaySteps = Math.max(1, total - warmup);
        double progress = Math.min(1.0, (double) (step - warmup) / decaySteps);
        double floor = peak * minRatio;
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
