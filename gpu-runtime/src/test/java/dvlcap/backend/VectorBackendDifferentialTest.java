package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every {@link Backend} operation of {@link VectorBackend} against {@link ScalarBackend} on random
 * inputs, at sizes on and off multiples of the vector length.
 *
 * <p>Tolerances: matmul {@code |vec - ref| <= 1e-4 * sum_i |x_i w_i|} (the sum of magnitudes,
 * because the two sum in different orders and cancellation makes a plain relative error
 * meaningless); norms, SwiGLU and confidence 1e-5 relative; attention 1e-5 absolute on outputs that
 * are convex combinations of N(0,1) values; everything inherited unchanged is compared bitwise.
 */
class VectorBackendDifferentialTest {
    private static final int[] IN_DIMS = {1, 7, 15, 16, 17, 33, 64, 100, 255, 300};
    private static final int[] OUT_DIMS = {1, 2, 3, 5, 9, 31, 133};
    private static final int[] ROWS = {1, 2, 3, 4, 5, 7, 8, 13, 31, 40};
    private static final int[] MASKS = {1, 4, 8, Integer.MAX_VALUE};

    private final Backend ref = new ScalarBackend();
    private final Backend vec = new VectorBackend();
    private final Rand rand = new Rand(42);

    static float[] read(Backend b, Tensor t) {
        float[] a = new float[t.size()];
        b.read(t, 0, a, 0, a.length);
        return a;
    }

    @Test
    void matmulMatchesScalarWithinSumOfMagnitudes() {
        int cases = 0;
        for (int n : IN_DIMS) {
            for (int m : OUT_DIMS) {
                int rows = ROWS[(n + m) % ROWS.length];
                checkMatmul(rows, n, m, (n + m) % 2 == 0);
                cases++;
            }
        }
        for (int rows = 1; rows <= 40; rows++) {
            checkMatmul(rows, 37, 11, rows % 3 == 0);
        }
        // big enough for the parallel path and several cache blocks of weight rows
        checkMatmul(9, 300, 1000, true);
        checkMatmul(33, 896, 130, false);
        assertTrue(cases > 60);
    }

    private void checkMatmul(int rows, int n, int m, boolean withBias) {
        float[] x = rand.gaussian(rows * n), w = rand.gaussian(m * n), bias = withBias ? rand.gaussian(m) : null;
        float[] want = matmul(ref, x, w, bias, rows, n, m), got = matmul(vec, x, w, bias, rows, n, m);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < m; o++) {
                double scale = 0;
                for (int i = 0; i < n; i++) {
                    scale += Math.abs((double) x[r * n + i] * w[o * n + i]);
                }
                int at = r * m + o;
                assertEquals(want[at], got[at], 1e-4 * scale + 1e-6,
                        "rows=" + rows + " n=" + n + " m=" + m + " at r=" + r + " o=" + o);
            }
        }
    }

    /** Integer inputs make every order of summation exact: a dropped or doubled term shows at once. */
    @Test
    void matmulOnSmallIntegersIsExact() {
        for (int n : IN_DIMS) {
            for (int rows : new int[] {1, 3, 4, 6, 9}) {
                int m = 7 + n % 5;
                float[] x = rand.smallInts(rows * n), w = rand.smallInts(m * n), bias = rand.smallInts(m);
                assertArrayEquals(matmul(ref, x, w, bias, rows, n, m), matmul(vec, x, w, bias, rows, n, m), 0f,
                        "rows=" + rows + " n=" + n);
            }
        }
    }

    @Test
    void matmulRejectsBuffersTooSmall() {
        Weight w = vec.weight(new float[12], 3, 4);
        assertThrows(IllegalArgumentException.class, () -> vec.matmul(vec.allocate(6), vec.allocate(7), w, null, 2));
        assertThrows(IllegalArgumentException.class, () -> vec.matmul(vec.allocate(5), vec.allocate(8), w, null, 2));
    }

    static float[] matmul(Backend b, float[] x, float[] w, float[] bias, int rows, int n, int m) {
        Tensor out = b.allocate(rows * m);
        b.matmul(out, b.upload(x), b.weight(w, m, n), bias == null ? null : b.upload(bias), rows);
        return read(b, out);
    }

    @Test
    void attentionMatchesScalarForGroupingsMasksAndOffsets() {
        int[][] headShapes = {{4, 4}, {4, 2}, {6, 1}, {14, 2}};
        int cases = 0;
        for (int[] hs : headShapes) {
            for (int headDim : new int[] {8, 20, 64}) {
                for (int mask : MASKS) {
                    for (int pos0 : new int[] {0, 5, 13}) {
                        int nq = 1 + rand.nextInt(9);
                        int kvLen = pos0 + nq + (mask == Integer.MAX_VALUE ? rand.nextInt(4) : 0);
                        checkAttention(hs[0], hs[1], headDim, mask, pos0, nq, kvLen, rand.nextInt(3));
                        cases++;
                    }
                }
            }
        }
        // large enough for the parallel path
        checkAttention(14, 2, 64, 8, 40, 16, 56, 0);
        assertTrue(cases >= 100);
    }

    private void checkAttention(int heads, int kvHeads, int headDim, int mask, int pos0, int nq, int kvLen, int qRow) {
        int rowsQ = qRow + nq;
        float[] q = rand.gaussian(rowsQ * heads * headDim);
        float[] k = rand.gaussian(kvLen * kvHeads * headDim), v = rand.gaussian(kvLen * kvHeads * headDim);
        float[] want = attention(ref, q, qRow, nq, k, v, kvLen, pos0, mask, heads, kvHeads, headDim);
        float[] got = attention(vec, q, qRow, nq, k, v, kvLen, pos0, mask, heads, kvHeads, headDim);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5, "heads=" + heads + "/" + kvHeads + " d=" + headDim + " mask=" + mask
                    + " pos0=" + pos0 + " nq=" + nq + " kvLen=" + kvLen + " at " + i);
        }
    }

    static float[] attention(Backend b, float[] q, int qRow, int nq, float[] k, float[] v, int kvLen, int pos0,
                             int mask, int heads, int kvHeads, int headDim) {
        Tensor out = b.allocate(q.length);
        b.attention(out, b.upload(q), qRow, nq, b.upload(k), b.upload(v), kvLen, pos0, mask, heads, kvHeads, headDim);
        return read(b, out);
    }

    @Test
    void rmsNormMatchesScalar() {
        for (int dim : IN_DIMS) {
            int rows = 1 + dim % 5;
            float[] x = rand.gaussian(rows * dim), w = rand.gaussian(dim);
            float[][] r = new float[2][];
            Backend[] bs = {ref, vec};
            for (int i = 0; i < 2; i++) {
                Tensor out = bs[i].allocate(rows * dim);
                bs[i].rmsNorm(out, bs[i].upload(x), bs[i].upload(w), rows, dim, 1e-6f);
                r[i] = read(bs[i], out);
            }
            assertRelative(r[0], r[1], 1e-5, "rmsNorm dim=" + dim);
        }
    }

    @Test
    void swigluMatchesScalar() {
        for (int n : new int[] {1, 15, 16, 17, 100, 4864}) {
            float[] g = rand.gaussian(n), u = rand.gaussian(n);
            for (int i = 0; i < n; i += 7) {
                g[i] *= 20; // into the tails of the sigmoid
            }
            float[][] r = new float[2][];
            Backend[] bs = {ref, vec};
            for (int i = 0; i < 2; i++) {
                Tensor out = bs[i].allocate(n);
                bs[i].swiglu(out, bs[i].upload(g), bs[i].upload(u), n);
                r[i] = read(bs[i], out);
            }
            assertRelative(r[0], r[1], 1e-5, "swiglu n=" + n);
        }
    }

    @Test
    void addIsExact() {
        for (int n : new int[] {1, 15, 16, 17, 896}) {
            float[] a = rand.gaussian(n + 3), x = rand.gaussian(n + 3);
            float[][] r = new float[2][];
            Backend[] bs = {ref, vec};
            for (int i = 0; i < 2; i++) {
                Tensor acc = bs[i].upload(a);
                bs[i].add(acc, bs[i].upload(x), n);
                r[i] = read(bs[i], acc);
            }
            assertArrayEquals(r[0], r[1], 0f, "add n=" + n + " (elements past n must stay)");
        }
    }

    @Test
    void argmaxConfidenceMatchesScalar() {
        for (int vocab : new int[] {1, 17, 5003, 151936}) {
            int rows = vocab > 10000 ? 2 : 5;
            float[] l = rand.gaussian(rows * vocab);
            for (int i = 0; i < l.length; i++) {
                l[i] *= 4;
            }
            if (vocab > 20) {
                l[9] = l[20] = 50f; // a tie in row 0: the first index wins
            }
            int[][] ids = new int[2][rows];
            float[][] conf = new float[2][rows];
            ref.argmaxConfidence(ref.upload(l), rows, vocab, ids[0], conf[0]);
            vec.argmaxConfidence(vec.upload(l), rows, vocab, ids[1], conf[1]);
            assertArrayEquals(ids[0], ids[1], "vocab=" + vocab);
            assertRelative(conf[0], conf[1], 1e-5, "confidence vocab=" + vocab);
            if (vocab > 20) {
                assertEquals(9, ids[1][0]);
            }
        }
    }

    /** Ops VectorBackend inherits must stay bitwise identical to the reference. */
    @Test
    void inheritedOpsAreBitwiseEqual() {
        int rows = 3, heads = 2, headDim = 24, dim = heads * headDim;
        float[] x = rand.gaussian(rows * dim), w = rand.gaussian(dim), bias = rand.gaussian(dim);
        int[] pos = {0, 7, 300};
        float[][] r = new float[2][];
        Backend[] bs = {ref, vec};
        for (int i = 0; i < 2; i++) {
            Backend b = bs[i];
            Tensor t = b.upload(x), ln = b.allocate(rows * dim), emb = b.allocate(2 * dim);
            b.rope(t, pos, rows, heads, headDim, 1e6f);
            b.layerNorm(ln, t, b.upload(w), b.upload(bias), rows, dim, 1e-6f);
            b.gelu(ln, rows * dim, true);
            b.gelu(t, rows * dim, false);
            b.embed(emb, 0, b.weight(x, rows, dim), new int[] {2, 0}, 2);
            Tensor c = b.allocate(dim);
            b.copy(emb, dim, c, 0, dim);
            float[] all = new float[3 * rows * dim + dim];
            b.read(t, 0, all, 0, rows * dim);
            b.read(ln, 0, all, rows * dim, rows * dim);
            b.read(emb, 0, all, 2 * rows * dim, 2 * dim);
            b.read(c, 0, all, 3 * rows * dim, dim);
            r[i] = all;
        }
        assertArrayEquals(r[0], r[1], 0f);
    }

    /** The same float operations in lanes and in the scalar loop: identical bits, at half-heads on and off the lane count. */
    @Test
    void rotaryIsBitwiseEqualToScalar() {
        for (int headDim : new int[] {2, 6, 16, 32, 34, 80, 128}) {
            for (int rows : new int[] {1, 3, 8}) {
                int heads = 1 + headDim % 3, half = headDim / 2;
                float[] x = rand.gaussian(rows * heads * headDim + 5), cos = rand.gaussian(rows * half),
                        sin = rand.gaussian(rows * half);
                Tensor xr = ref.upload(x), xv = vec.upload(x);
                ref.rotary(xr, ref.upload(cos), ref.upload(sin), rows, heads, headDim);
                vec.rotary(xv, vec.upload(cos), vec.upload(sin), rows, heads, headDim);
                assertArrayEquals(read(ref, xr), read(vec, xv), 0f, "headDim=" + headDim + " rows=" + rows);
            }
        }
    }

    private static void assertRelative(float[] want, float[] got, double rel, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], rel * Math.abs(want[i]) + 1e-7, what + " at " + i);
        }
    }
}
