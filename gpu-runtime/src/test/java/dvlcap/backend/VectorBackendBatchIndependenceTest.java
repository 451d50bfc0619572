package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.model.DType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The decoder's determinism rests on this: a row computed alone and the same row computed among
 * others (different tiles, different thread partition) are bitwise identical.
 */
class VectorBackendBatchIndependenceTest {
    private final Backend vec = new VectorBackend();
    private final Rand rand = new Rand(7);

    @Test
    void matmulRowIsBitwiseTheSameAloneOrInABatch() {
        // n off the vector length; m odd so every tile kind and tail runs; batch big enough to go parallel
        // 600x451: over the weight count that splits even a 1-row call over the workers
        for (int[] shape : new int[][] {{200, 70}, {37, 13}, {896, 130}, {64, 5}, {600, 451}}) {
            int n = shape[0], m = shape[1];
            for (int batch : new int[] {2, 5, 8, 31, 32, 40}) {
                float[] x = rand.gaussian(batch * n), w = rand.gaussian(m * n), bias = rand.gaussian(m);
                float[] together = VectorBackendDifferentialTest.matmul(vec, x, w, bias, batch, n, m);
                for (int r = 0; r < batch; r++) {
                    float[] alone = VectorBackendDifferentialTest.matmul(vec,
                            Arrays.copyOfRange(x, r * n, (r + 1) * n), w, bias, 1, n, m);
                    assertArrayEquals(alone, Arrays.copyOfRange(together, r * m, (r + 1) * m), 0f,
                            "n=" + n + " m=" + m + " batch=" + batch + " row " + r);
                }
            }
        }
    }

    @Test
    void attentionQueryIsBitwiseTheSameAloneOrInABlock() {
        int heads = 14, kvHeads = 2, headDim = 64, nq = 8, pos0 = 20, kvLen = pos0 + nq;
        for (int mask : new int[] {1, 4, 8, Integer.MAX_VALUE}) {
            float[] q = rand.gaussian(nq * heads * headDim);
            float[] k = rand.gaussian(kvLen * kvHeads * headDim), v = rand.gaussian(kvLen * kvHeads * headDim);
            float[] block = VectorBackendDifferentialTest.attention(vec, q, 0, nq, k, v, kvLen, pos0, mask,
                    heads, kvHeads, headDim);
            int width = heads * headDim;
            for (int i = 0; i < nq; i++) {
                float[] alone = VectorBackendDifferentialTest.attention(vec, q, i, 1, k, v, kvLen, pos0 + i, mask,
                        heads, kvHeads, headDim);
                assertArrayEquals(Arrays.copyOfRange(block, i * width, (i + 1) * width),
                        Arrays.copyOfRange(alone, i * width, (i + 1) * width), 0f, "mask=" + mask + " query " + i);
            }
        }
    }

    /**
     * The first calls run interpreted, later ones JIT-compiled; a reduction whose order the JIT may
     * choose (reduceLanes) would let a row's value drift between the two.
     */
    @Test
    void matmulResultDoesNotChangeOnceCompiled() {
        int n = 45, m = 9;
        float[] x = rand.gaussian(5 * n), w = rand.gaussian(m * n);
        float[] cold = VectorBackendDifferentialTest.matmul(vec, x, w, null, 5, n, m);
        float[] coldOne = VectorBackendDifferentialTest.matmul(vec, Arrays.copyOf(x, n), w, null, 1, n, m);
        for (int it = 0; it < 20_000; it++) {
            VectorBackendDifferentialTest.matmul(vec, x, w, null, 1 + it % 5, n, m);
        }
        assertArrayEquals(cold, VectorBackendDifferentialTest.matmul(vec, x, w, null, 5, n, m), 0f);
        assertArrayEquals(coldOne, VectorBackendDifferentialTest.matmul(vec, Arrays.copyOf(x, n), w, null, 1, n, m), 0f);
        assertArrayEquals(coldOne, Arrays.copyOf(cold, m), 0f);
    }

    /**
     * The same products on one thread and on several (parts claimed in any order, by any thread):
     * bitwise the same, 1-row calls included, which now split over the workers from 2^18 weights.
     */
    @Test
    void matmulAndAttentionDoNotDependOnTheThreadCount() {
        Backend one = new VectorBackend(new WorkerPool(1)), many = new VectorBackend(new WorkerPool(3));
        for (int[] shape : new int[][] {{896, 896}, {600, 451}, {896, 128}, {4864, 96}}) {
            int n = shape[0], m = shape[1];
            for (int rows : new int[] {1, 3, 17}) {
                float[] x = rand.gaussian(rows * n), w = rand.gaussian(m * n), bias = rand.gaussian(m);
                assertArrayEquals(VectorBackendDifferentialTest.matmul(one, x, w, bias, rows, n, m),
                        VectorBackendDifferentialTest.matmul(many, x, w, bias, rows, n, m), 0f,
                        "n=" + n + " m=" + m + " rows=" + rows);
            }
        }
        int heads = 14, kvHeads = 2, headDim = 64, kvLen = 800;
        for (int nq : new int[] {1, 8}) {
            float[] q = rand.gaussian(nq * heads * headDim), k = rand.gaussian(kvLen * kvHeads * headDim);
            float[] v = rand.gaussian(kvLen * kvHeads * headDim);
            assertArrayEquals(
                    VectorBackendDifferentialTest.attention(one, q, 0, nq, k, v, kvLen, kvLen - nq, 1, heads, kvHeads,
                            headDim),
                    VectorBackendDifferentialTest.attention(many, q, 0, nq, k, v, kvLen, kvLen - nq, 1, heads, kvHeads,
                            headDim), 0f, "attention of " + nq + " queries over " + kvLen + " keys");
        }
    }
    /**
     * {@link Backend#matmuls} hands out the parts of several weights as one job: each output must
     * be bitwise its own {@code matmul}'s, whatever the mix (a layer's q, k and v, where k and v are
     * too small to split; float32 beside mapped and packed bf16, which read x in another order) and
     * however many threads claim the parts.
     */
    @Test
    void projectionsInOneCallGiveEachMatmulsBitsAlone() {
        int n = 896;
        int[] outs = {896, 128, 130, 4864};
        for (int threads : new int[] {1, 2, 3}) {
            Backend b = new VectorBackend(new WorkerPool(threads), new HeapWeightAllowance(1L << 30, false));
            for (int rows : new int[] {1, 3, 8}) {
                Tensor x = b.upload(rand.gaussian(rows * n));
                Projection[] ps = new Projection[outs.length];
                float[][] alone = new float[outs.length][];
                for (int i = 0; i < outs.length; i++) {
                    int m = outs[i];
                    float[] w = rand.gaussian(m * n);
                    // f32 on the heap, then bf16: packed in panels, except 130 rows (not whole panels) left mapped
                    Weight weight = i == 0 ? b.weight(w, m, n)
                            : b.weight(HalfWeights.stored(DType.BF16, w, m, n, m), m, n);
                    Tensor bias = i == 1 ? null : b.upload(rand.gaussian(m));
                    Tensor out = b.allocate(rows * m);
                    b.matmul(out, x, weight, bias, rows);
                    alone[i] = VectorBackendDifferentialTest.read(b, out);
                    ps[i] = new Projection(b.allocate(rows * m), weight, bias);
                }
                b.matmuls(x, rows, ps);
                for (int i = 0; i < outs.length; i++) {
                    assertArrayEquals(alone[i], VectorBackendDifferentialTest.read(b, ps[i].out()), 0f,
                            threads + " threads, " + rows + " rows, projection " + i + " (" + outs[i] + " outputs)");
                }
            }
        }
    }

    @Test
    void projectionsOfDifferentWidthsAreRefused() {
        Backend b = new VectorBackend();
        Tensor x = b.upload(rand.gaussian(64));
        Projection wide = new Projection(b.allocate(8), b.weight(rand.gaussian(8 * 64), 8, 64), null);
        Projection narrow = new Projection(b.allocate(8), b.weight(rand.gaussian(8 * 32), 8, 32), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.matmuls(x, 1, wide, narrow));
        assertTrue(e.getMessage().contains("8x32"), e.getMessage());
    }
}

