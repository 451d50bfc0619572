package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each output row is bitwise the same whatever the number of rows in the call: what makes greedy
 * captions identical in any batch. Skipped with the reason where no GPU is present.
 */
class CudaBatchIndependenceTest {
    private final Random rand = new Random(11);
    private CudaBackend gpu;

    @BeforeEach
    void open() {
        gpu = CudaTestSupport.backendOrSkip();
    }

    @AfterEach
    void close() {
        if (gpu != null) {
            gpu.close();
        }
    }

    private float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rand.nextGaussian();
        }
        return a;
    }

    @Test
    void matmulRowsDoNotDependOnBatchSize() {
        // mma (K % 8 == 0) and simple kernels; batches that cross the 32-row tile
        for (int[] s : new int[][] {{896, 200}, {64, 128}, {36, 70}, {13, 9}}) {
            int n = s[0], m = s[1], maxRows = 100;
            float[] x = gaussian(maxRows * n), w = gaussian(m * n), bias = gaussian(m);
            try (Weight wt = gpu.weight(w, m, n); Tensor bt = gpu.upload(bias); Tensor in = gpu.upload(x);
                 Tensor out = gpu.allocate(maxRows * m)) {
                gpu.matmul(out, in, wt, bt, maxRows);
                float[] all = new float[maxRows * m];
                gpu.read(out, 0, all, 0, all.length);
                for (int rows : new int[] {1, 2, 31, 32, 33, 64}) {
                    for (int start : new int[] {0, maxRows - rows}) {
                        try (Tensor sub = gpu.upload(Arrays.copyOfRange(x, start * n, (start + rows) * n));
                             Tensor o = gpu.allocate(rows * m)) {
                            gpu.matmul(o, sub, wt, bt, rows);
                            float[] got = new float[rows * m];
                            gpu.read(o, 0, got, 0, got.length);
                            assertArrayEquals(Arrays.copyOfRange(all, start * m, (start + rows) * m), got, 0f,
                                    "n=" + n + " m=" + m + " rows " + start + ".." + (start + rows));
                        }
                    }
                }
            }
        }
    }

    @Test
    void normsAndArgmaxRowsDoNotDependOnBatchSize() {
        int dim = 896, rows = 40, vocab = 3001;
        float[] x = gaussian(rows * dim), w = gaussian(dim), logits = gaussian(rows * vocab);
        try (Tensor in = gpu.upload(x); Tensor wt = gpu.upload(w); Tensor out = gpu.allocate(rows * dim);
             Tensor l = gpu.upload(logits)) {
            gpu.rmsNorm(out, in, wt, rows, dim, 1e-6f);
            float[] all = new float[rows * dim];
            gpu.read(out, 0, all, 0, all.length);
            int[] ids = new int[rows];
            float[] conf = new float[rows];
            gpu.argmaxConfidence(l, rows, vocab, ids, conf);
            for (int r : new int[] {0, 17, 39}) {
                try (Tensor one = gpu.upload(Arrays.copyOfRange(x, r * dim, (r + 1) * dim)); Tensor o = gpu.allocate(dim);
                     Tensor lo = gpu.upload(Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab))) {
                    gpu.rmsNorm(o, one, wt, 1, dim, 1e-6f);
                    float[] got = new float[dim];
                    gpu.read(o, 0, got, 0, dim);
                    assertArrayEquals(Arrays.copyOfRange(all, r * dim, (r + 1) * dim), got, 0f, "rmsNorm row " + r);
                    int[] id = new int[1];
                    float[] c = new float[1];
                    gpu.argmaxConfidence(lo, 1, vocab, id, c);
                    assertEquals(ids[r], id[0]);
                    assertEquals(conf[r], c[0], 0f);
                }
            }
        }
    }

    @Test
    void attentionQueriesDoNotDependOnHowManyAreAsked() {
        int heads = 14, kvHeads = 2, headDim = 64, kvLen = 80, nq = 16, pos0 = 64, mask = 8;
        float[] q = gaussian(nq * heads * headDim), k = gaussian(kvLen * kvHeads * headDim),
                v = gaussian(kvLen * kvHeads * headDim);
        float[] all = CudaBackendDifferentialTest.attention(gpu, q, 0, nq, k, v, kvLen, pos0, mask, heads, kvHeads, headDim);
        int stride = heads * headDim;
        for (int i = 0; i < nq; i += 5) {
            float[] one = CudaBackendDifferentialTest.attention(gpu, q, i, 1, k, v, kvLen, pos0 + i, mask, heads, kvHeads,
                    headDim);
            assertArrayEquals(Arrays.copyOfRange(all, i * stride, (i + 1) * stride),
                    Arrays.copyOfRange(one, i * stride, (i + 1) * stride), 0f, "query " + i);
        }
    }
}
