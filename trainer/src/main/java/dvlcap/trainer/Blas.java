package dvlcap.trainer;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The three matrix products of a linear layer's forward and backward passes, row-major float32.
 * Vectorized with the Vector API (the JVM needs {@code --add-modules jdk.incubator.vector}, as
 * every dvlcap process has). A product's every element is one chain of fused multiply-adds in
 * ascending order (see {@link #gemm}), so a result never depends on threads or vector width.
 */
public final class Blas {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Blas() {
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
        Arrays.fill(y, 0, rows * out, 0f);
        gemm(x, transpose(w, out, in), y, rows, in, out);
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    y[r * out + o] += bias[o];
                }
            }
        }
    }

    /** {@code dx[r, i] += sum_o dy[r, o] * w[o, i]}. */
    public static void matmulNN(float[] dy, float[] w, float[] dx, int rows, int in, int out) {
        gemm(dy, w, dx, rows, out, in);
    }

    /** {@code dw[o, i] += sum_r dy[r, o] * x[r, i]}; and {@code db[o] += sum_r dy[r, o]} if db is given. */
    public static void matmulTN(float[] dy, float[] x, float[] dw, float[] db, int rows, int in, int out) {
        gemm(transpose(dy, rows, out), x, dw, out, rows, in);
        if (db != null) {
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    db[o] += dy[r * out + o];
                }
            }
        }
    }

    /** A per-thread buffer for a transposed operand, so a product allocates nothing in steady state. */
    private static final ThreadLocal<float[][]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[1][0]);

    /** {@code a} [m, n] transposed to [n, m] in this thread's buffer, valid until the thread's next product. */
    static float[] transpose(float[] a, int m, int n) {
        float[][] holder = TRANSPOSED.get();
        if (holder[0].length < m * n) {
            holder[0] = new float[m * n];
        }
        transposeInto(a, m, n, holder[0]);
        return holder[0];
    }

    /** {@code t[j, i] = a[i, j]} for a [m, n]; in tiles, so that neither side strides through memory for long. */
    public static void transposeInto(float[] a, int m, int n, float[] t) {
        final int tile = 16;
        for (int i0 = 0; i0 < m; i0 += tile) {
            int i1 = Math.min(m, i0 + tile);
            for (int j0 = 0; j0 < n; j0 += tile) {
                int j1 = Math.min(n, j0 + tile);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        t[j * m + i] = a[i * n + j];
                    }
                }
            }
        }
    }

    /**
     * {@code c[i, j] = fma(a[i, K-1], b[K-1, j], ... fma(a[i, 0], b[0, j], c[i, j]))}: a is [m, k], b is
     * [k, n], c is [m, n], all row-major. Every element is one chain of fused multiply-adds over k in
     * ascending order, so the result is the same bits whatever the blocking, vector width or thread
     * (the naive scalar loop with {@link Math#fma} is the specification). Blocks of 4 rows x 4
     * vectors keep 16 sums in registers and reuse each load of b four times.
     */
    static void gemm(float[] a, float[] b, float[] c, int m, int k, int n) {
        int lanes = S.length();
        int vecEnd = S.loopBound(n);
        int blockEnd = vecEnd - vecEnd % (4 * lanes);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j < blockEnd; j += 4 * lanes) {
                block4x4(a, b, c, i, j, k, n);
            }
            for (; j < vecEnd; j += lanes) {
                block4x1(a, b, c, i, j, k, n);
            }
            for (int r = i; r < i + 4; r++) {
                scalarTail(a, b, c, r, vecEnd, k, n);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < vecEnd; j += lanes) {
                FloatVector s = FloatVector.fromArray(S, c, i * n + j);
                for (int p = 0; p < k; p++) {
                    s = FloatVector.broadcast(S, a[i * k + p]).fma(FloatVector.fromArray(S, b, p * n + j), s);
                }
                s.intoArray(c, i * n + j);
            }
            scalarTail(a, b, c, i, vecEnd, k, n);
        }
    }

    private static void block4x4(float[] a, float[] b, float[] c, int i, int j, int k, int n) {
        int l = S.length();
        int c0 = i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + l);
        FloatVector s02 = FloatVector.fromArray(S, c, c0 + 2 * l), s03 = FloatVector.fromArray(S, c, c0 + 3 * l);
        FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + l);
        FloatVector s12 = FloatVector.fromArray(S, c, c1 + 2 * l), s13 = FloatVector.fromArray(S, c, c1 + 3 * l);
        FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + l);
        FloatVector s22 = FloatVector.fromArray(S, c, c2 + 2 * l), s23 = FloatVector.fromArray(S, c, c2 + 3 * l);
        FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + l);
        FloatVector s32 = FloatVector.fromArray(S, c, c3 + 2 * l), s33 = FloatVector.fromArray(S, c, c3 + 3 * l);
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        for (int p = 0; p < k; p++) {
            int bo = p * n + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + l);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * l), b3 = FloatVector.fromArray(S, b, bo + 3 * l);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s00 = x.fma(b0, s00); s01 = x.fma(b1, s01); s02 = x.fma(b2, s02); s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            s10 = x.fma(b0, s10); s11 = x.fma(b1, s11); s12 = x.fma(b2, s12); s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            s20 = x.fma(b0, s20); s21 = x.fma(b1, s21); s22 = x.fma(b2, s22); s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            s30 = x.fma(b0, s30); s31 = x.fma(b1, s31); s32 = x.fma(b2, s32); s33 = x.fma(b3, s33);
        }
        s00.intoArray(c, c0); s01.intoArray(c, c0 + l); s02.intoArray(c, c0 + 2 * l); s03.intoArray(c, c0 + 3 * l);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + l); s12.intoArray(c, c1 + 2 * l); s13.intoArray(c, c1 + 3 * l);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + l); s22.intoArray(c, c2 + 2 * l); s23.intoArray(c, c2 + 3 * l);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + l); s32.intoArray(c, c3 + 2 * l); s33.intoArray(c, c3 + 3 * l);
    }

    private static void block4x1(float[] a, float[] b, float[] c, int i, int j, int k, int n) {
        int c0 = i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        FloatVector s0 = FloatVector.fromArray(S, c, c0), s1 = FloatVector.fromArray(S, c, c1);
        FloatVector s2 = FloatVector.fromArray(S, c, c2), s3 = FloatVector.fromArray(S, c, c3);
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, p * n + j);
            s0 = FloatVector.broadcast(S, a[a0 + p]).fma(bv, s0);
            s1 = FloatVector.broadcast(S, a[a1 + p]).fma(bv, s1);
            s2 = FloatVector.broadcast(S, a[a2 + p]).fma(bv, s2);
            s3 = FloatVector.broadcast(S, a[a3 + p]).fma(bv, s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c1);
        s2.intoArray(c, c2);
        s3.intoArray(c, c3);
    }

    /** Columns {@code from..n-1} of row i, which no full vector covers. */
    private static void scalarTail(float[] a, float[] b, float[] c, int i, int from, int k, int n) {
        for (int j = from; j < n; j++) {
            float s = c[i * n + j];
            for (int p = 0; p < k; p++) {
                s = Math.fma(a[i * k + p], b[p * n + j], s);
            }
            c[i * n + j] = s;
        }
    }
}
