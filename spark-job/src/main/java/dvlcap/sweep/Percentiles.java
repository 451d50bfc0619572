package dvlcap.sweep;

import java.util.Arrays;

/** Nearest-rank percentiles: the smallest value with at least p% of the values at or below it. */
final class Percentiles {

    private Percentiles() {
    }

    static double of(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to take a percentile of");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
