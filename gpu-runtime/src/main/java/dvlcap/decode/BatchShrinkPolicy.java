package dvlcap.decode;

import java.util.OptionalInt;

/**
 * What to do after a step of {@code n} sequences ran out of device memory: retry with half as many
 * (rounded up), down to one sequence; when a single sequence does not fit, give up (the caller fails
 * that sequence, not the job). Halving finds a fitting size in log2(n) retries; the caller should
 * keep the smaller size as its cap rather than grow straight back into the same failure.
 */
public final class BatchShrinkPolicy {
    private final int minimum;

    /** Shrinks down to one sequence. */
    public BatchShrinkPolicy() {
        this(1);
    }

    /** Shrinks down to {@code minimum} sequences, then gives up. */
    public BatchShrinkPolicy(int minimum) {
        if (minimum < 1) {
            throw new IllegalArgumentException("minimum batch must be at least 1, got " + minimum);
        }
        this.minimum = minimum;
    }

    /**
     * The batch size to retry with after {@code failed} sequences did not fit, or empty when there
     * is nothing smaller to try.
     */
    public OptionalInt next(int failed) {
        if (failed < 1) {
            throw new IllegalArgumentException("failed batch size must be at least 1, got " + failed);
        }
        if (failed <= minimum) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Math.max(minimum, (failed + 1) / 2));
    }
}
