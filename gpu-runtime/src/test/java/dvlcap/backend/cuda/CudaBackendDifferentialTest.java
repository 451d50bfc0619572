package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.BatchLayout;
import dvlcap.backend.PageTable;
import dvlcap.backend.RaggedBatch;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@link CudaBackend} operation against {@link ScalarBackend} on random inputs (skipped with
 * the reason where no GPU is present).
 *
 * <p>Tolerances. matmul: the GPU holds weights in bf16, so against the reference on the same
 * bf16-rounded weights {@code |gpu - ref| <= 1e-4 * sum_i |x_i w_i|} (activations keep ~16
 * significant bits through the hi/lo split; the rest is summation order), and against the original
 * float weights {@code <= 2^-8 * sum_i |x_i w_i|} (bf16 rounding is at most 2^-8 relative per
 * weight). Embedding rows are the bf16-rounded table, exactly. Norms, RoPE, SwiGLU, GELU and
 * confidences 1e-5 relative (+1e-6 absolute), attention 1e-5 absolute on outputs that are convex
 * combinations of N(0,1) values, add and argmax ids exact.
 */
class CudaBackendDifferentialTest {
    private static final int[] MASKS = {1, 4, 8, Integer.MAX_VALUE};

    private final Backend ref = new ScalarBackend();
    private final Random rand = new Random(42);
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

    static float[] read(Backend b, Tensor t) {
        float[] a = new float[t.size()];
        b.read(t, 0, a, 0, a.length);
        return a;
    }

    static float[] bf16Rounded(float[] w) {
        float[] r = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            r[i] = Bf16.toFloat(Bf16.fromFloat(w[i]));
        }
        return r;
    }

    static float[] matmul(Backend b, float[] x, float[] w, float[] bias, int rows, int n, int m) {
        try (Tensor out = b.allocate(rows * m); Tensor in = b.upload(x); Weight wt = b.weight(w, m, n);
             Tensor bt = bias == null ? null : b.upload(bias)) {
            b.matmul(out, in, wt, bt, rows);
            return read(b, out);
        }
    }

    @Test
    void matmulMatchesScalarOnBf16WeightsForMmaAndSimpleShapes() {
        // K % 8 == 0 takes the tensor-core kernel, other K the simple one; M and rows off the tiles
        int[][] shapes = {{1, 64, 64}, {1, 896, 128}, {3, 16, 5}, {31, 32, 65}, {33, 40, 63}, {64, 128, 200},
            {200, 64, 130}, {7, 8, 1}, {5, 7, 9}, {17, 33, 70}, {2, 1, 3}, {40, 100, 31}, {9, 300, 1000}};
        for (int[] s : shapes) {
            checkMatmul(s[0], s[1], s[2], s[0] % 2 == 1);
        }
    }

    private void checkMatmul(int rows, int n, int m, boolean withBias) {
        float[] x = gaussian(rows * n), w = gaussian(m * n), bias = withBias ? gaussian(m) : null;
        float[] wr = bf16Rounded(w);
        float[] got = matmul(gpu, x, w, bias, rows, n, m);
        float[] wantRounded = matmul(ref, x, wr, bias, rows, n, m);
        float[] wantExact = matmul(ref, x, w, bias, rows, n, m);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < m; o++) {
                double scale = 0;
                for (int i = 0; i < n; i++) {
                    scale += Math.abs((double) x[r * n + i] * w[o * n + i]);
                }
                int at = r * m + o;
                String where = "rows=" + rows + " n=" + n + " m=" + m + " (" + (gpu.usesMmaGemm(n) ? "mma" : "simple")
                        + ") at r=" + r + " o=" + o;
                assertEquals(wantRounded[at], got[at], 1e-4 * scale + 1e-6, where + " vs bf16 weights");
                assertEquals(wantExact[at], got[at], 0x1p-8 * scale + 1e-6, where + " vs float weights");
            }
        }
    }

    /** A weight of more than one upload chunk (2^20 values), converted and copied in pieces. */
    @Test
    void aWeightUploadedInSeveralChunksMatches() {
        checkMatmul(3, 1032, 1100, true);   // 1,135,200 values: two chunks, the second partial (mma)
        checkMatmul(2, 1031, 1100, false);  // the simple kernel (K % 8 != 0)
    }

    /** The tensor-core kernel against the simple one on the same weights (dvlcap.cuda.gemm=simple). */
    @Test
    void mmaAndSimpleKernelsAgree() {
        String old = System.getProperty(CudaBackend.GEMM_PROPERTY);
        System.setProperty(CudaBackend.GEMM_PROPERTY, "simple");
        CudaBackend simple;
        try {
            simple = CudaTestSupport.backendOrSkip();
        } finally {
            if (old == null) {
                System.clearProperty(CudaBackend.GEMM_PROPERTY);
            } else {
                System.setProperty(CudaBackend.GEMM_PROPERTY, old);
            }
        }
        try (simple) {
            assertTrue(gpu.usesMmaGemm(64) && !simple.usesMmaGemm(64));
            for (int[] s : new int[][] {{1, 64, 64}, {33, 896, 130}, {200, 128, 96}}) {
                int rows = s[0], n = s[1], m = s[2];
                float[] x = gaussian(rows * n), w = gaussian(m * n), bias = gaussian(m);
                float[] a = matmul(gpu, x, w, bias, rows, n, m), b = matmul(simple, x, w, bias, rows, n, m);
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < m; o++) {
                        double scale = 0;
                        for (int i = 0; i < n; i++) {
                            scale += Math.abs((double) x[r * n + i] * w[o * n + i]);
                        }
                        assertEquals(b[r * m + o], a[r * m + o], 1e-4 * scale + 1e-6,
                                "rows=" + rows + " n=" + n + " m=" + m + " at " + r + "," + o);
                    }
                }
            }
        }
    }

    /** More ids and more argmax rows than the first staging buffers (4 KiB) hold: the buffers grow. */
    @Test
    void stagingBuffersGrowForLargeBatches() {
        int vocab = 40, dim = 8, n = 3000;
        float[] table = gaussian(vocab * dim);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (i * 7) % vocab;
        }
        float[] want, got;
        try (Tensor out = ref.allocate(n * dim)) {
            ref.embed(out, 0, ref.weight(bf16Rounded(table), vocab, dim), ids, n);
            want = read(ref, out);
        }
        try (Tensor out = gpu.allocate(n * dim); Weight t = gpu.weight(table, vocab, dim)) {
            gpu.embed(out, 0, t, new int[] {1, 2}, 2); // a small upload first: the buffer then has to grow
            gpu.embed(out, 0, t, ids, n);
            got = read(gpu, out);
        }
        assertArrayEquals(want, got, 0f);

        int rows = 1500;
        float[] l = gaussian(rows * vocab);
        int[][] am = new int[2][rows];
        float[][] conf = new float[2][rows];
        try (Tensor t = ref.upload(l)) {
            ref.argmaxConfidence(t, rows, vocab, am[0], conf[0]);
        }
        try (Tensor t = gpu.upload(l)) {
            gpu.argmaxConfidence(t, 1, vocab, new int[1], new float[1]);
            gpu.argmaxConfidence(t, rows, vocab, am[1], conf[1]);
        }
        assertArrayEquals(am[0], am[1]);
        assertRelative(conf[0], conf[1], 1e-5, "confidence of " + rows + " rows");
    }

    /**
     * Two backends (two contexts) used in turn on one thread, and one backend driven from another
     * thread: each call binds its own context, so the results are those of one backend alone.
     */
    @Test
    void twoBackendsAndASecondThreadKeepTheirOwnContexts() throws Exception {
        int rows = 5, n = 64, m = 48;
        float[] x = gaussian(rows * n), w = gaussian(m * n);
        float[] alone = matmul(gpu, x, w, null, rows, n, m);
        try (CudaBackend other = CudaTestSupport.backendOrSkip();
             Tensor xa = gpu.upload(x); Tensor xb = other.upload(x); Weight wa = gpu.weight(w, m, n);
             Weight wb = other.weight(w, m, n); Tensor oa = gpu.allocate(rows * m); Tensor ob = other.allocate(rows * m)) {
            gpu.matmul(oa, xa, wa, null, rows);
            other.matmul(ob, xb, wb, null, rows);
            assertArrayEquals(alone, read(other, ob), 0f, "second backend");
            assertArrayEquals(alone, read(gpu, oa), 0f, "first backend after the second ran");
            assertThrows(IllegalArgumentException.class, () -> gpu.matmul(oa, xb, wa, null, rows),
                    "a tensor of another backend is refused");

            float[][] fromThread = new float[1][];
            Throwable[] error = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    gpu.matmul(oa, xa, wa, null, rows);
                    fromThread[0] = read(gpu, oa);
                } catch (Throwable e) {
                    error[0] = e;
                }
            });
            t.start();
            t.join(60_000);
            if (error[0] != null) {
                throw new AssertionError("on another thread", error[0]);
            }
            assertArrayEquals(alone, fromThread[0], 0f, "from another thread");
            assertArrayEquals(alone, read(gpu, oa), 0f, "read back on the first thread");
        }
    }

    @Test
    void matmulOnSmallIntegersIsExact() {
        // integers up to 4 are exact in bf16 and every partial sum is exact in float
        for (int[] s : new int[][] {{1, 64, 70}, {5, 48, 9}, {33, 13, 17}, {64, 256, 64}}) {
            int rows = s[0], n = s[1], m = s[2];
            float[] x = smallInts(rows * n), w = smallInts(m * n), bias = smallInts(m);
            assertArrayEquals(matmul(ref, x, w, bias, rows, n, m), matmul(gpu, x, w, bias, rows, n, m), 0f,
                    "rows=" + rows + " n=" + n + " m=" + m);
        }
    }

    private float[] smallInts(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rand.nextInt(9) - 4;
        }
        return a;
    }

    @Test
    void embedGathersTheBf16TableExactly() {
        int vocab = 50, dim = 96;
        float[] table = gaussian(vocab * dim);
        int[] ids = {3, 0, 49, 3, 17};
        float[] want, got;
        try (Tensor out = ref.allocate(7 * dim)) {
            ref.embed(out, 2, ref.weight(bf16Rounded(table), vocab, dim), ids, ids.length);
            want = read(ref, out);
        }
        try (Tensor out = gpu.allocate(7 * dim); Weight t = gpu.weight(table, vocab, dim)) {
            gpu.embed(out, 2, t, ids, ids.length);
            got = read(gpu, out);
            assertThrows(IllegalArgumentException.class, () -> gpu.embed(out, 0, t, new int[] {50}, 1));
        }
        assertArrayEquals(want, got, 0f);
    }

    @Test
    void rmsNormAndLayerNormMatchScalar() {
        for (int dim : new int[] {1, 7, 64, 100, 896, 1152, 2048}) {
            int rows = 1 + dim % 5;
            float[] x = gaussian(rows * dim), w = gaussian(dim), b = gaussian(dim);
            float[][] rms = new float[2][], ln = new float[2][];
            Backend[] bs = {ref, gpu};
            for (int i = 0; i < 2; i++) {
                Backend be = bs[i];
                try (Tensor in = be.upload(x); Tensor wt = be.upload(w); Tensor bt = be.upload(b);
                     Tensor o1 = be.allocate(rows * dim); Tensor o2 = be.allocate(rows * dim)) {
                    be.rmsNorm(o1, in, wt, rows, dim, 1e-6f);
                    be.layerNorm(o2, in, wt, bt, rows, dim, 1e-6f);
                    rms[i] = read(be, o1);
                    ln[i] = read(be, o2);
                }
            }
            assertRelative(rms[0], rms[1], 1e-5, "rmsNorm dim=" + dim);
            assertRelative(ln[0], ln[1], 1e-5, "layerNorm dim=" + dim);
        }
    }

    @Test
    void ropeMatchesScalar() {
        int rows = 5, heads = 3;
        for (int headDim : new int[] {2, 16, 64, 128}) {
            float[] x = gaussian(rows * heads * headDim);
            int[] pos = {0, 1, 7, 300, 32000};
            float[][] r = new float[2][];
            Backend[] bs = {ref, gpu};
            for (int i = 0; i < 2; i++) {
                try (Tensor t = bs[i].upload(x)) {
                    bs[i].rope(t, pos, rows, heads, headDim, 1e6f);
                    r[i] = read(bs[i], t);
                }
            }
            assertRelative(r[0], r[1], 1e-5, "rope headDim=" + headDim);
        }
    }

    @Test
    void elementwiseOpsMatchScalar() {
        for (int n : new int[] {1, 255, 256, 257, 4864 * 3}) {
            float[] g = gaussian(n), u = gaussian(n), a = gaussian(n);
            for (int i = 0; i < n; i += 7) {
                g[i] *= 20; // into the tails of the sigmoid and of GELU
            }
            float[][] sw = new float[2][], ge = new float[2][], gt = new float[2][], ad = new float[2][];
            Backend[] bs = {ref, gpu};
            for (int i = 0; i < 2; i++) {
                Backend be = bs[i];
                try (Tensor gg = be.upload(g); Tensor uu = be.upload(u); Tensor o = be.allocate(n);
                     Tensor e1 = be.upload(g); Tensor e2 = be.upload(g); Tensor acc = be.upload(a)) {
                    be.swiglu(o, gg, uu, n);
                    be.gelu(e1, n, false);
                    be.gelu(e2, n, true);
                    be.add(acc, uu, n);
                    sw[i] = read(be, o);
                    ge[i] = read(be, e1);
                    gt[i] = read(be, e2);
                    ad[i] = read(be, acc);
                }
            }
            assertRelative(sw[0], sw[1], 1e-5, "swiglu n=" + n);
            assertRelative(ge[0], ge[1], 1e-5, "gelu erf n=" + n);
            assertRelative(gt[0], gt[1], 1e-5, "gelu tanh n=" + n);
            assertArrayEquals(ad[0], ad[1], 0f, "add n=" + n);
        }
    }

    @Test
    void swigluMayWriteOverItsGateInput() {
        float[] g = gaussian(1000), u = gaussian(1000);
        float[] want, got;
        try (Tensor gg = ref.upload(g); Tensor uu = ref.upload(u)) {
            ref.swiglu(gg, gg, uu, 1000);
            want = read(ref, gg);
        }
        try (Tensor gg = gpu.upload(g); Tensor uu = gpu.upload(u)) {
            gpu.swiglu(gg, gg, uu, 1000);
            got = read(gpu, gg);
        }
        assertRelative(want, got, 1e-5, "in-place swiglu");
    }

    @Test
    void attentionMatchesScalarForGroupingsMasksAndOffsets() {
        int[][] headShapes = {{4, 4}, {4, 2}, {6, 1}, {14, 2}};
        int cases = 0;
        for (int[] hs : headShapes) {
            for (int headDim : new int[] {8, 20, 64, 128}) {
                for (int mask : MASKS) {
                    for (int pos0 : new int[] {0, 5, 13, 70}) {
                        int nq = 1 + rand.nextInt(9);
                        int kvLen = pos0 + nq + (mask == Integer.MAX_VALUE ? rand.nextInt(40) : 0);
                        checkAttention(hs[0], hs[1], headDim, mask, pos0, nq, kvLen, rand.nextInt(3));
                        cases++;
                    }
                }
            }
        }
        checkAttention(14, 2, 64, 8, 500, 16, 516, 0); // many chunks of 32 keys
        checkAttention(16, 2, 128, 1, 0, 200, 200, 0); // a causal prefill
        assertTrue(cases >= 200);
    }

    /** Head dims the loop above misses: 72 (SigLIP's vision tower, 16 heads, 729 patches) and 129..256. */
    @Test
    void attentionCoversTheVisionTowersHeadDimAndTheLargestOnes() {
        checkAttention(16, 16, 72, Integer.MAX_VALUE, 0, 64, 729, 0); // the tower: bidirectional over 729 patches
        checkAttention(4, 2, 72, 8, 10, 5, 15, 1);
        for (int headDim : new int[] {129, 160, 200, 256}) {
            checkAttention(4, 2, headDim, 4, 3, 6, 9, 0);
            checkAttention(2, 1, headDim, Integer.MAX_VALUE, 0, 3, 40, 2);
        }
    }

    private void checkAttention(int heads, int kvHeads, int headDim, int mask, int pos0, int nq, int kvLen, int qRow) {
        int rowsQ = qRow + nq;
        float[] q = gaussian(rowsQ * heads * headDim);
        float[] k = gaussian(kvLen * kvHeads * headDim), v = gaussian(kvLen * kvHeads * headDim);
        float[] want = attention(ref, q, qRow, nq, k, v, kvLen, pos0, mask, heads, kvHeads, headDim);
        float[] got = attention(gpu, q, qRow, nq, k, v, kvLen, pos0, mask, heads, kvHeads, headDim);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5, "heads=" + heads + "/" + kvHeads + " d=" + headDim + " mask=" + mask
                    + " pos0=" + pos0 + " nq=" + nq + " kvLen=" + kvLen + " at " + i);
        }
    }

    /**
     * Paged keys (a run of consecutive pages, then pages in reverse order; the buffer's other rows
     * NaN) against the scalar reference: the kernel must read exactly the sequence's rows.
     */
    @Test
    void pagedAttentionMatchesScalarOverScatteredPages() {
        int heads = 14, kvHeads = 2, headDim = 64, width = kvHeads * headDim;
        for (int pageSize : new int[] {1, 16}) {
            for (int kvLen : new int[] {5, 16, 57}) {
                int n = (kvLen + pageSize - 1) / pageSize;
                int[] pages = new int[n];
                for (int i = 0; i < n; i++) {
                    // a run of consecutive pages (one copy), then the rest in reverse (a copy each)
                    pages[i] = i < n / 2 ? n + i : n - 1 - (i - n / 2);
                }
                PageTable table = new PageTable(pages, pageSize);
                float[] k = new float[(int) table.rowsSpanned() * width], v = new float[k.length];
                java.util.Arrays.fill(k, Float.NaN);
                java.util.Arrays.fill(v, Float.NaN);
                for (int j = 0; j < kvLen; j++) {
                    for (int d = 0; d < width; d++) {
                        k[table.row(j) * width + d] = (float) rand.nextGaussian();
                        v[table.row(j) * width + d] = (float) rand.nextGaussian();
                    }
                }
                int nq = Math.min(8, kvLen), pos0 = kvLen - nq;
                float[] q = gaussian(nq * heads * headDim);
                float[] want = pagedAttention(ref, q, nq, k, v, table, kvLen, pos0, heads, kvHeads, headDim);
                float[] got = pagedAttention(gpu, q, nq, k, v, table, kvLen, pos0, heads, kvHeads, headDim);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-5, "page size " + pageSize + ", kvLen " + kvLen + " at " + i);
                }
            }
        }
    }

    private static float[] pagedAttention(Backend b, float[] q, int nq, float[] k, float[] v, PageTable table,
                                          int kvLen, int pos0, int heads, int kvHeads, int headDim) {
        try (Tensor out = b.allocate(q.length); Tensor qt = b.upload(q); Tensor kt = b.upload(k); Tensor vt = b.upload(v)) {
            b.batchedAttention(out, qt, kt, vt, BatchLayout.of(new BatchLayout.Sequence(0, nq, pos0, kvLen, 8, table)),
                    heads, kvHeads, headDim);
            return read(b, out);
        }
    }

    static float[] attention(Backend b, float[] q, int qRow, int nq, float[] k, float[] v, int kvLen, int pos0,
                             int mask, int heads, int kvHeads, int headDim) {
        try (Tensor out = b.allocate(q.length); Tensor qt = b.upload(q); Tensor kt = b.upload(k); Tensor vt = b.upload(v)) {
            b.attention(out, qt, qRow, nq, kt, vt, kvLen, pos0, mask, heads, kvHeads, headDim);
            return read(b, out);
        }
    }

    /** Random ragged batches (1/B/2B rows, scattered pages, every mask) in one launch against the scalar reference. */
    @Test
    void batchedAttentionMatchesScalarOnRaggedBatches() {
        for (int trial = 0; trial < 12; trial++) {
            RaggedBatch batch = RaggedBatch.random(rand, 1 + rand.nextInt(32), trial % 2 == 0 ? 4 : 8,
                    new int[] {1, 3, 16}[trial % 3], 14, 2, trial % 4 == 0 ? 128 : 64, trial % 5 == 0 ? 2 : 0);
            float[] want = batch.batched(ref, -7.25f), got = batch.batched(gpu, -7.25f);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5, batch + " at " + i);
            }
        }
    }

    /**
     * The batched kernel and the contiguous one share the per-row loop: a sequence's rows in the batch
     * equal, bit for bit, one contiguous call on its own keys (what makes captions batch-invariant).
     */
    @Test
    void batchedAttentionEqualsOneCallPerSequenceBitwise() {
        for (int trial = 0; trial < 6; trial++) {
            RaggedBatch batch = RaggedBatch.random(rand, 1 + rand.nextInt(16), 8, 16, 14, 2, 64, 0);
            assertArrayEquals(batch.perSequence(gpu, 0f), batch.batched(gpu, 0f), batch.toString());
        }
    }

    /** One launch writes every sequence's new rows at its pages' rows and nothing else. */
    @Test
    void writeKvMatchesScalar() {
        for (int trial = 0; trial < 4; trial++) {
            RaggedBatch batch = RaggedBatch.random(rand, 1 + rand.nextInt(16), 8, trial % 2 == 0 ? 1 : 16, 4, 2, 48, 0);
            int kvDim = batch.kvHeads * batch.headDim;
            float[] k = gaussian(batch.layout.rowsSpanned() * kvDim), v = gaussian(k.length);
            float[][] want = writeKv(ref, batch, k, v, kvDim), got = writeKv(gpu, batch, k, v, kvDim);
            assertArrayEquals(want[0], got[0], batch.toString());
            assertArrayEquals(want[1], got[1], batch.toString());
        }
    }

    private static float[][] writeKv(Backend b, RaggedBatch batch, float[] k, float[] v, int kvDim) {
        try (Tensor keys = b.upload(batch.keys); Tensor values = b.upload(batch.values); Tensor kt = b.upload(k);
             Tensor vt = b.upload(v)) {
            b.writeKv(keys, values, kt, vt, batch.layout, kvDim);
            return new float[][] {read(b, keys), read(b, values)};
        }
    }

    @Test
    void argmaxConfidenceMatchesScalar() {
        for (int vocab : new int[] {1, 17, 5003, 151936}) {
            int rows = vocab > 10000 ? 3 : 6;
            float[] l = gaussian(rows * vocab);
            for (int i = 0; i < l.length; i++) {
                l[i] *= 4;
            }
            if (vocab > 20) {
                l[9] = l[20] = 50f; // a tie in row 0: the first index wins
            }
            int[][] ids = new int[2][rows];
            float[][] conf = new float[2][rows];
            try (Tensor t = ref.upload(l)) {
                ref.argmaxConfidence(t, rows, vocab, ids[0], conf[0]);
            }
            try (Tensor t = gpu.upload(l)) {
                gpu.argmaxConfidence(t, rows, vocab, ids[1], conf[1]);
            }
            assertArrayEquals(ids[0], ids[1], "vocab=" + vocab);
            assertRelative(conf[0], conf[1], 1e-5, "confidence vocab=" + vocab);
        }
    }

    /**
     * NaN and infinite logits as the scalar reference treats them: a NaN at index 0 is chosen (its
     * strict '>' scan never beats it), a NaN elsewhere is passed over, +inf wins at its first index;
     * confidences are NaN wherever the reference's are.
     */
    @Test
    void argmaxConfidenceTreatsNanAndInfinityLikeTheScalarReference() {
        int vocab = 1000, rows = 5;
        float[] l = gaussian(rows * vocab);
        l[0] = Float.NaN;                                                  // row 0: NaN at index 0
        l[vocab + 7] = Float.NaN;                                          // row 1: NaN elsewhere
        l[2 * vocab + 3] = l[2 * vocab + 900] = Float.POSITIVE_INFINITY;  // row 2: +inf twice
        java.util.Arrays.fill(l, 3 * vocab, 4 * vocab, Float.NaN);        // row 3: all NaN
        java.util.Arrays.fill(l, 4 * vocab, 5 * vocab, Float.NEGATIVE_INFINITY); // row 4: all -inf
        int[][] ids = new int[2][rows];
        float[][] conf = new float[2][rows];
        try (Tensor t = ref.upload(l)) {
            ref.argmaxConfidence(t, rows, vocab, ids[0], conf[0]);
        }
        try (Tensor t = gpu.upload(l)) {
            gpu.argmaxConfidence(t, rows, vocab, ids[1], conf[1]);
        }
        assertArrayEquals(ids[0], ids[1]);
        for (int r = 0; r < rows; r++) {
            assertEquals(Float.isNaN(conf[0][r]), Float.isNaN(conf[1][r]), "confidence NaN in row " + r);
        }
    }

    /** An infinite activation stays infinite through both GEMM kernels (the mma one's hi/lo split too). */
    @Test
    void matmulCarriesInfiniteActivationsLikeTheScalarReference() {
        for (int n : new int[] {64, 33}) { // the mma kernel, then the simple one
            int rows = 3, m = 70;
            float[] x = gaussian(rows * n), w = new float[m * n];
            for (int i = 0; i < w.length; i++) {
                w[i] = 0.25f + (i % 5) * 0.125f; // positive: an infinity cannot meet its opposite
            }
            x[1] = Float.POSITIVE_INFINITY;       // row 0
            x[n + 2] = Float.NEGATIVE_INFINITY;   // row 1
            x[2 * n + 3] = Float.MAX_VALUE;       // row 2: finite, but bf16 rounding would overflow
            float[] got = matmul(gpu, x, w, null, rows, n, m);
            float[] want = matmul(ref, x, bf16Rounded(w), null, rows, n, m);
            for (int o = 0; o < m; o++) {
                assertEquals(Float.POSITIVE_INFINITY, got[o], "n=" + n + " row 0 output " + o);
                assertEquals(Float.NEGATIVE_INFINITY, got[m + o], "n=" + n + " row 1 output " + o);
                assertEquals(want[2 * m + o], got[2 * m + o], Math.abs(want[2 * m + o]) * 1e-3,
                        "n=" + n + " row 2 output " + o + " (finite, not inf or NaN)");
            }
        }
    }

    @Test
    void copiesAndOffsetsMatchScalar() {
        float[] a = gaussian(100);
        try (Tensor t = gpu.upload(a); Tensor u = gpu.allocate(50)) {
            gpu.copy(t, 10, u, 5, 40);
            float[] back = new float[60];
            gpu.read(u, 0, back, 10, 50);
            for (int i = 0; i < 40; i++) {
                assertEquals(a[10 + i], back[15 + i]);
            }
            assertEquals(0f, back[10], "allocate zero-fills");
            assertThrows(IllegalArgumentException.class, () -> gpu.copy(t, 90, u, 0, 11));
            assertThrows(IllegalArgumentException.class, () -> gpu.read(t, 0, new float[5], 0, 6));
        }
    }

    @Test
    void shapesThatDoNotFitAreRejectedBeforeLaunch() {
        try (Weight w = gpu.weight(new float[12], 3, 4); Tensor small = gpu.allocate(6); Tensor in = gpu.allocate(7)) {
            assertThrows(IllegalArgumentException.class, () -> gpu.matmul(small, in, w, null, 2));
            assertThrows(IllegalArgumentException.class, () -> gpu.matmul(gpu.allocate(6), gpu.allocate(8), w, null, 3));
            assertThrows(IllegalArgumentException.class, () -> gpu.matmul(small, in, ref.weight(new float[12], 3, 4), null, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> gpu.attention(small, in, 0, 1, in, in, 1, 0, 1, 1, 1, 300));
        }
    }

    private static void assertRelative(float[] want, float[] got, double rel, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], rel * Math.abs(want[i]) + 1e-6, what + " at " + i);
        }
    }
}
