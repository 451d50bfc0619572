package dvlcap.backend;

/**
 * erf on [0, {@link #LIMIT}) from Taylor polynomials around every sixteenth (|h| <= 1/32, degree
 * {@link #DEGREE}): a dozen multiply-adds instead of {@link Activations#erf}'s series of up to 80
 * terms with a division each. Not bitwise {@link Activations#erf}; within {@link #MAX_ERROR} of it
 * (checked once on every float GELU input |x| <= 20, and on a 2M-point grid by {@code TaylorErfTest}), which is what
 * {@link Activations#geluErf} needs to know when its float is certain.
 */
final class TaylorErf {
    /** erf(t) is 1 to double precision from here (erfc(6) = 2.2e-17, below half an ulp of 1). */
    static final double LIMIT = 6.0;
    /** Bound on |erf(t) - Activations.erf(t)| on [0, LIMIT): 9x the largest difference measured (1.1e-14, near 2.5, where the series itself loses digits to cancellation). */
    static final double MAX_ERROR = 1e-13;
    static final int DEGREE = 12;
    private static final int PER_UNIT = 16;
    /** Coefficients of the polynomial around k / 16, DEGREE + 1 per center, lowest first. */
    private static final double[] COEF = coefficients();

    private TaylorErf() {
    }

    /** erf(t) for 0 <= t < LIMIT. */
    static double erf(double t) {
        int k = (int) (t * PER_UNIT + 0.5);
        double h = t - (double) k / PER_UNIT;
        int o = k * (DEGREE + 1);
        double s = COEF[o + DEGREE];
        for (int n = DEGREE - 1; n >= 0; n--) {
            s = s * h + COEF[o + n];
        }
        return s;
    }

    /**
     * Around c: a_0 = erf(c) (the exact series), a_n = erf^(n)(c) / n! with
     * erf^(n)(c) = 2/sqrt(pi) (-1)^(n-1) H_(n-1)(c) exp(-c^2), H the physicists' Hermite polynomials.
     */
    private static double[] coefficients() {
        int centers = (int) (LIMIT * PER_UNIT) + 1;
        double[] coef = new double[centers * (DEGREE + 1)];
        for (int k = 0; k < centers; k++) {
            double c = (double) k / PER_UNIT;
            int o = k * (DEGREE + 1);
            coef[o] = Activations.erf(c);
            double g = 2.0 / Math.sqrt(Math.PI) * Math.exp(-c * c);
            double hPrev = 0, h = 1; // H_(-1) (unused: 0), H_0
            double factorial = 1;
            for (int n = 1; n <= DEGREE; n++) {
                factorial *= n;
                coef[o + n] = ((n - 1) % 2 == 0 ? 1 : -1) * g * h / factorial;
                double next = 2 * c * h - 2 * (n - 1) * hPrev; // H_n from H_(n-1), H_(n-2)
                hPrev = h;
                h = next;
            }
        }
        return coef;
    }
}
