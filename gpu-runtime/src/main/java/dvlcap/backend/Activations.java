package dvlcap.backend;

/** Scalar activation functions shared by every CPU kernel and by the trainer. */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Activations() {
    }

    /**
     * GELU with the exact erf, PyTorch's {@code nn.GELU()} default: bitwise {@link #geluErfSeries}.
     * The double value is computed with {@link TaylorErf} (25-37 ns a call, against 120-200); it can round to
     * another float than the series' value only when it lies within the two erfs' difference of a
     * rounding boundary, and then the series decides.
     */
    public static float geluErf(float x) {
        double t = x / Math.sqrt(2.0);
        double at = Math.abs(t);
        if (!(at < TaylorErf.LIMIT)) {
            // erf is +-1 in double here (and the series path keeps NaN as it was)
            return at == Double.POSITIVE_INFINITY || Double.isNaN(t) ? geluErfSeries(x) : x > 0 ? x : -0.0f;
        }
        double e = TaylorErf.erf(at);
        double y = 0.5 * x * (1.0 + (t < 0 ? -e : e));
        float f = (float) y;
        // |y - series value| <= 0.5|x| (erf difference + an ulp of 1 + e) + 2 ulps of y: below tol
        double tol = Math.abs(x) * TaylorErf.MAX_ERROR * 2;
        double fd = f;
        double midDown = (fd + Math.nextDown(f)) * 0.5, midUp = (fd + Math.nextUp(f)) * 0.5; // exact in double
        if (y - midDown <= tol || midUp - y <= tol) {
            return geluErfSeries(x);
        }
        return f;
    }

    /** GELU with {@link #erf} itself: the definition {@link #geluErf} reproduces bitwise. */
    static float geluErfSeries(float x) {
        return (float) (0.5 * x * (1.0 + erf(x / Math.sqrt(2.0))));
    }

    /** GELU with the tanh approximation, {@code gelu_pytorch_tanh}. */
    public static float geluTanh(float x) {
        return (float) (0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
    }

    /** erf to about 1e-15 (Abramowitz-Stegun 7.1.26 is too coarse for differential tests). */
    public static double erf(double x) {
        // Series for small |x|, continued fraction complement for large |x|.
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            double sum = ax, term = ax, x2 = ax * ax;
            for (int n = 1; n < 80; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = 2.0 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc via Lentz continued fraction
            double x2 = ax * ax;
            double f = ax, c = ax, d = 0, tiny = 1e-300;
            for (int n = 1; n < 200; n++) {
                double an = n / 2.0;
                d = ax + an * d;
                d = d == 0 ? tiny : d;
                c = ax + an / c;
                c = c == 0 ? tiny : c;
                d = 1 / d;
                double delta = c * d;
                f *= delta;
                if (Math.abs(delta - 1) < 1e-16) {
                    break;
                }
            }
            double erfc = Math.exp(-x2) / Math.sqrt(Math.PI) / f;
            r = 1 - erfc;
        }
        return x < 0 ? -r : r;
    }
}
