package dvlcap.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Central finite differences against an analytic gradient, in float32 (the trainer's precision).
 * An element passes when {@code |fd - analytic| <= RTOL * max(|fd|, |analytic|) + ATOL}.
 * RTOL = 2e-2 and ATOL = 1e-3 at step EPS = 1e-2: float rounding in the loss (~1e-6 relative)
 * divided by 2*EPS gives ~1e-4 noise, curvature adds O(EPS^2); a wrong backward pass misses by
 * tens of percent or more.
 */
final class GradientCheck {
    static final double EPS = 1e-2;
    static final double RTOL = 2e-2;
    static final double ATOL = 1e-3;

    private GradientCheck() {
    }

    /** Random values in [-scale, scale). */
    static float[] random(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    static void fill(Parameters p, SplittableRandom r, double scale) {
        for (String name : p.names()) {
            float[] v = p.get(name);
            float[] x = random(r, v.length, scale);
            System.arraycopy(x, 0, v, 0, v.length);
        }
    }

    /** {@code sum_i y[i] * w[i]} in double: a loss whose gradient with respect to y is w. */
    static double project(float[] y, float[] w) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (double) y[i] * w[i];
        }
        return s;
    }

    /**
     * Checks {@code maxPerTensor} elements of every tensor (all of a small tensor; else the largest
     * analytic entries and random ones).
     */
    static double check(Parameters p, Parameters analytic, ToDoubleFunction<Parameters> loss, int maxPerTensor) {
        SplittableRandom r = new SplittableRandom(7);
        List<String> failures = new ArrayList<>();
        double worst = 0;
        int checked = 0;
        for (String name : p.names()) {
            float[] v = p.get(name), g = analytic.get(name);
            for (int idx : pick(g, maxPerTensor, r)) {
                float keep = v[idx];
                v[idx] = (float) (keep + EPS);
                double plus = loss.applyAsDouble(p);
                v[idx] = (float) (keep - EPS);
                double minus = loss.applyAsDouble(p);
                v[idx] = keep;
                double fd = (plus - minus) / (2 * EPS);
                double err = Math.abs(fd - g[idx]);
                double allowed = RTOL * Math.max(Math.abs(fd), Math.abs(g[idx])) + ATOL;
                worst = Math.max(worst, err / allowed);
                checked++;
                if (err > allowed && failures.size() < 10) {
                    failures.add(name + "[" + idx + "]: finite difference " + fd + ", analytic " + g[idx]);
                }
            }
        }
        if (checked == 0) {
            fail("nothing checked");
        }
        if (!failures.isEmpty()) {
            fail("gradient mismatch:\n" + String.join("\n", failures));
        }
        return worst;
    }

    private static int[] pick(float[] g, int max, SplittableRandom r) {
        if (g.length <= max) {
            int[] all = new int[g.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[max];
        int top = max / 2;
        boolean[] used = new boolean[g.length];
        for (int k = 0; k < top; k++) {
            int best = -1;
            for (int i = 0; i < g.length; i++) {
                if (!used[i] && (best < 0 || Math.abs(g[i]) > Math.abs(g[best]))) {
                    best = i;
                }
            }
            used[best] = true;
            out[k] = best;
        }
        for (int k = top; k < max; k++) {
            out[k] = r.nextInt(g.length);
        }
        return out;
    }
}
