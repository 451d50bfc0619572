package dvlcap.trainer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The three matrix products of a linear layer's forward and backward passes, row-major float32.
 * Vectorized with the Vector API (the JVM needs {@code --add-modules jdk.incubator.vector}, as
 * every dvlcap process has). Each output element is summed in an order fixed by the sizes only,
 * so a result never depends on threads.
 */
public final class Blas {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lane rotations by L/2, L/4, ..., 1: a horizontal sum in one fixed order (reduceLanes has none). */
    private static final VectorShuffle<Float>[] FOLD = folds();

    private Blas() {
    }

    /** {@code sum_i a[ao + i] * b[bo + i]}. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        int bound = S.loopBound(n);
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += S.length()) {
                acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            }
            sum = horizontalSum(acc);
        }
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(S.length());
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int k = 0; k < steps; k++) {
            f[k] = VectorShuffle.iota(S, S.length() >> (k + 1), 1, true);
        }
        return f;
    }

    // Interpreter and JIT must agree bit for bit, or a seed would not fix the weights.
    private static float horizontalSum(FloatVector v) {
        for (VectorShuffle<Float> f : FOLD) {
            v = v.add(v.rearrange(f));
        }
        return v.lane(0);
    }

    /** {@code y[yo + i] += alpha * x[xo + i]}. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /** {@code y[r, o] = sum_i x[r, i] * w[o, i] (+ bias[o])}: y is rows x out, w is out x in. */
    public static void matmulNT(float[] x, float[] w, float[] bias, float[] y, int rows, int in, int out) {
        int bound = S.loopBound(in);
        for (int r = 0; r < rows; r++) {
            int xo = r * in, yo = r * out;
            int o = 0;
            if (bound == in) {
                // Four outputs share each load of x; each sum keeps the order dot() uses.
                for (; o + 4 <= out; o += 4) {
                    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                    int w0 = o * in, w1 = w0 + in, w2 = w1 + in, w3 = w2 + in;
                    for (int i = 0; i < in; i += S.length()) {
                        FloatVector xv = FloatVector.fromArray(S, x, xo + i);
                        a0 = xv.fma(FloatVector.fromArray(S, w, w0 + i), a0);
                        a1 = xv.fma(FloatVector.fromArray(S, w, w1 + i), a1);
                        a2 = xv.fma(FloatVector.fromArray(S, w, w2 + i), a2);
                        a3 = xv.fma(FloatVector.fromArray(S, w, w3 + i), a3);
                    }
                    y[yo + o] = horizontalSum(a0) + (bias == null ? 0f : bias[o]);
                    y[yo + o + 1] = horizontalSum(a1) + (bias == null ? 0f : bias[o + 1]);
                    y[yo + o + 2] = horizontalSum(a2) + (bias == null ? 0f : bias[o + 2]);
                    y[yo + o + 3] = horizontalSum(a3) + (bias == null ? 0f : bias[o + 3]);
                }
            }
            for (; o < out; o++) {
                y[yo + o] = dot(x, xo, w, o * in, in) + (bias == null ? 0f : bias[o]);
            }
        }
    }

    /** {@code dx[r, i] += sum_o dy[r, o] * w[o, i]}. */
    public static void matmulNN(float[] dy, float[] w, float[] dx, int rows, int in, int out) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float g = dy[r * out + o];
                if (g != 0f) {
                    axpy(g, w, o * in, dx, r * in, in);
                }
            }
        }
    }

    /** {@code dw[o, i] += sum_r dy[r, o] * x[r, i]}; and {@code db[o] += sum_r dy[r, o]} if db is given. */
    public static void matmulTN(float[] dy, float[] x, float[] dw, float[] db, int rows, int in, int out) {
        for (int o = 0; o < out; o++) {
            for (int r = 0; r < rows; r++) {
                float g = dy[r * out + o];
                if (g != 0f) {
                    axpy(g, x, r * in, dw, o * in, in);
                }
            }
        }
        if (db != null) {
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    db[o] += dy[r * out + o];
                }
            }
        }
    }
}
