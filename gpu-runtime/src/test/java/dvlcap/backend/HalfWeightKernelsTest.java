package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.model.DType;
import dvlcap.model.HalfFloats;
import dvlcap.model.StoredTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * bf16 and f16 weights kept in their buffers and widened inside the kernels, checked three ways:
 * against the same backend on float32 weights holding the widened values (widening is exact:
 * bitwise on the scalar backend, up to reassociation on the vector one, whose 16-bit tiles sum
 * in an even/odd order), vector against scalar (the differential tolerance), and against
 * float32 on the unrounded values (the dtype's rounding as the bound).
 */
class HalfWeightKernelsTest {
    private static final DType[] HALVES = {DType.BF16, DType.F16};
    private static final int[] IN_DIMS = {1, 7, 16, 17, 33, 100, 300};
    private static final int[] OUT_DIMS = {1, 3, 5, 9, 31};

    private final Backend ref = new ScalarBackend();
    private final Backend vec = new VectorBackend();
    private final Rand rand = new Rand(11);

    private static float[] read(Backend b, Tensor t) {
        float[] a = new float[t.size()];
        b.read(t, 0, a, 0, a.length);
        return a;
    }

    private static float[] matmul(Backend b, float[] x, Weight w, float[] bias, int rows) {
        Tensor out = b.allocate(rows * w.rows());
        b.matmul(out, b.upload(x), w, bias == null ? null : b.upload(bias), rows);
        return read(b, out);
    }

    /** Gaussian weights with every 5th scaled far down, so f16 subnormals and bf16's small exponents occur. */
    private float[] weights(int n) {
        float[] w = rand.gaussian(n);
        for (int i = 0; i < n; i += 5) {
            w[i] *= 1e-6f;
        }
        return w;
    }

    @Test
    void everyBf16AndF16BitPatternWidensAsHalfFloatsDoes() {
        ByteBuffer bytes = ByteBuffer.allocateDirect(65536 * 2).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asShortBuffer().put(shortsUpTo(65536));
        int[] all = HalfMatmul.stage(bytes, 0, 1, 65536);
        int lanes = VectorBackend.lanes();
        // repeated so that the loads run interpreted first and JIT-compiled later
        for (int pass = 0; pass < 20; pass++) {
            for (int i = 0; i < 65536; i += 2 * lanes) {
                var v = HalfMatmul.load(all, i / 2);
                float[] bfEven = HalfMatmul.even(v, true).toArray(), bfOdd = HalfMatmul.odd(v, true).toArray();
                float[] f16Even = HalfMatmul.even(v, false).toArray(), f16Odd = HalfMatmul.odd(v, false).toArray();
                for (int k = 0; k < lanes; k++) {
                    short e = (short) (i + 2 * k), o = (short) (i + 2 * k + 1);
                    assertSameFloat(HalfFloats.bf16ToFloat(e), bfEven[k], "bf16 " + Integer.toHexString(e & 0xFFFF));
                    assertSameFloat(HalfFloats.bf16ToFloat(o), bfOdd[k], "bf16 " + Integer.toHexString(o & 0xFFFF));
                    assertSameFloat(HalfFloats.f16ToFloat(e), f16Even[k], "f16 " + Integer.toHexString(e & 0xFFFF));
                    assertSameFloat(HalfFloats.f16ToFloat(o), f16Odd[k], "f16 " + Integer.toHexString(o & 0xFFFF));
                }
            }
        }
    }

    private static short[] shortsUpTo(int n) {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = (short) i;
        }
        return s;
    }

    @Test
    void splitPutsEachStretchsEvenElementsBeforeItsOddOnesAndLeavesTheTail() {
        int lanes = VectorBackend.lanes(), n = 5 * lanes + 3;
        float[] x = new float[2 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        float[] xs = HalfMatmul.split(x, 2, n);
        for (int r = 0; r < 2; r++) {
            for (int s = 0; s + 2 * lanes <= n; s += 2 * lanes) {
                for (int j = 0; j < lanes; j++) {
                    assertEquals(r * n + s + 2 * j, xs[r * n + s + j], "row " + r + " even " + (s + j));
                    assertEquals(r * n + s + 2 * j + 1, xs[r * n + s + lanes + j], "row " + r + " odd " + (s + j));
                }
            }
            for (int i = HalfMatmul.upper(n); i < n; i++) {
                assertEquals(r * n + i, xs[r * n + i], "row " + r + " tail " + i);
            }
        }
    }

    /** Same bits, or both NaN (moving a signalling NaN through a float may quiet it; it is still NaN). */
    private static void assertSameFloat(float want, float got, String what) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + ": want NaN, got " + got);
        } else {
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + ": want " + want + ", got " + got);
        }
    }

    /**
     * The scalar backend sums a 16-bit weight's products in the float32 order (bitwise equal); the
     * vector backend sums them in its even/odd order, so it may differ from its own float32 tiles
     * on the widened weights only by reassociation: two orders of an n-term sum of exact products
     * each err by at most (n - 1) 2^-24 sum |x w| (plus the bias's one rounding), so they differ
     * by at most twice that. A wrong or missing weight moves a result by about sum |x w| / n.
     */
    @Test
    void halfWeightGivesTheFloat32ResultOfItsWidenedValuesUpToReassociation() {
        for (DType dt : HALVES) {
            for (int n : IN_DIMS) {
                for (int m : OUT_DIMS) {
                    int rows = 1 + (n + m) % 9;
                    float[] x = rand.gaussian(rows * n), w = weights(m * n), bias = (n + m) % 2 == 0 ? rand.gaussian(m) : null;
                    float[] widened = HalfWeights.rounded(dt, w);
                    String what = dt + " rows=" + rows + " n=" + n + " m=" + m;
                    Weight refHalf = ref.weight(HalfWeights.stored(dt, w, m, n, m), m, n);
                    assertArrayEquals(matmul(ref, x, ref.weight(widened, m, n), bias, rows), matmul(ref, x, refHalf, bias, rows),
                            0f, "scalar " + what);
                    float[] want = matmul(vec, x, vec.weight(widened, m, n), bias, rows);
                    float[] got = matmul(vec, x, vec.weight(HalfWeights.stored(dt, w, m, n, m), m, n), bias, rows);
                    for (int r = 0; r < rows; r++) {
                        for (int o = 0; o < m; o++) {
                            double scale = bias == null ? 0 : Math.abs(bias[o]);
                            for (int i = 0; i < n; i++) {
                                scale += Math.abs((double) x[r * n + i] * widened[o * n + i]);
                            }
                            int at = r * m + o;
                            assertEquals(want[at], got[at], 2 * n * 0x1p-24 * scale, "vector " + what + " at " + r + "," + o);
                        }
                    }
                }
            }
        }
    }

    @Test
    void vectorHalfMatmulMatchesScalarAndFloat32WithinRounding() {
        for (DType dt : HALVES) {
            // 2^-8 relative for bf16 (8 significant bits), 2^-11 for f16, per weight
            double unit = dt == DType.BF16 ? 0x1p-8 : 0x1p-11;
            for (int[] s : new int[][] {{9, 300, 1000}, {33, 896, 130}, {1, 3584, 64}, {5, 37, 11}}) {
                int rows = s[0], n = s[1], m = s[2];
                float[] x = rand.gaussian(rows * n), w = weights(m * n), bias = rand.gaussian(m);
                float[] got = matmul(vec, x, vec.weight(HalfWeights.stored(dt, w, m, n, 7), m, n), bias, rows);
                float[] want = matmul(ref, x, ref.weight(HalfWeights.stored(dt, w, m, n, m), m, n), bias, rows);
                float[] exact = matmul(ref, x, ref.weight(w, m, n), bias, rows);
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < m; o++) {
                        double scale = 0;
                        for (int i = 0; i < n; i++) {
                            scale += Math.abs((double) x[r * n + i] * w[o * n + i]);
                        }
                        int at = r * m + o;
                        String where = dt + " rows=" + rows + " n=" + n + " m=" + m + " at " + r + "," + o;
                        assertEquals(want[at], got[at], 1e-4 * scale + 1e-6, "vector vs scalar, " + where);
                        assertEquals(exact[at], got[at], unit * scale + 1e-4 * scale + 1e-6, "vs float32, " + where);
                    }
                }
            }
        }
    }

    /** Buffers of a few rows each: tiles and cache blocks must not read across a buffer's end. */
    @Test
    void weightSplitOverManyBuffersGivesTheSameBitsAsOneBuffer() {
        for (DType dt : HALVES) {
            for (int perChunk : new int[] {1, 2, 3, 5, 8}) {
                int rows = 13, n = 45, m = 23;
                float[] x = rand.gaussian(rows * n), w = weights(m * n), bias = rand.gaussian(m);
                for (Backend b : new Backend[] {ref, vec}) {
                    float[] one = matmul(b, x, b.weight(HalfWeights.stored(dt, w, m, n, m), m, n), bias, rows);
                    float[] split = matmul(b, x, b.weight(HalfWeights.stored(dt, w, m, n, perChunk), m, n), bias, rows);
                    assertArrayEquals(one, split, 0f, b.name() + " " + dt + " rows per buffer " + perChunk);
                }
            }
        }
        // big enough for the parallel path: parts and cache blocks cut across buffers
        float[] x = rand.gaussian(9 * 300), w = weights(1000 * 300);
        assertArrayEquals(matmul(vec, x, vec.weight(HalfWeights.stored(DType.BF16, w, 1000, 300, 1000), 1000, 300), null, 9),
                matmul(vec, x, vec.weight(HalfWeights.stored(DType.BF16, w, 1000, 300, 37), 1000, 300), null, 9), 0f);
    }

    @Test
    void halfMatmulRowIsBitwiseTheSameAloneOrInABatch() {
        for (DType dt : HALVES) {
            for (int[] shape : new int[][] {{200, 70}, {37, 13}, {896, 130}}) {
                int n = shape[0], m = shape[1];
                Weight w = vec.weight(HalfWeights.stored(dt, weights(m * n), m, n, 16), m, n);
                float[] bias = rand.gaussian(m);
                for (int batch : new int[] {2, 5, 8, 31, 40}) {
                    float[] x = rand.gaussian(batch * n);
                    float[] together = matmul(vec, x, w, bias, batch);
                    for (int r = 0; r < batch; r += 3) {
                        float[] alone = matmul(vec, Arrays.copyOfRange(x, r * n, (r + 1) * n), w, bias, 1);
                        assertArrayEquals(alone, Arrays.copyOfRange(together, r * m, (r + 1) * m), 0f,
                                dt + " n=" + n + " m=" + m + " batch=" + batch + " row " + r);
                    }
                }
            }
        }
    }

    /**
     * A weight copied onto the heap in panels holds the same bits in another order, and every tile
     * reads them in the same order of operations: results are bitwise those of the mapped weight,
     * for single rows (the 1x8 tile), row blocks (4x2, f16's 4x1), leftovers, and the parallel
     * path whose parts split the panels.
     */
    @Test
    void weightPackedInPanelsGivesTheBitsOfItsMappedWeight() {
        int step = 2 * VectorBackend.lanes();
        Backend mappedOnly = new VectorBackend(0);
        for (DType dt : HALVES) {
            for (int[] s : new int[][] {{8, step}, {16, 3 * step}, {40, 896}, {24, 5 * step}, {1024, 512}}) {
                int m = s[0], n = s[1];
                float[] w = weights(m * n), bias = rand.gaussian(m);
                // buffers of 5 rows: panels are packed across buffer ends
                CpuWeight mapped = (CpuWeight) mappedOnly.weight(HalfWeights.stored(dt, w, m, n, 5), m, n);
                CpuWeight packed = mapped.packed();
                assertTrue(mapped.panels() == null && packed.panels() != null, "one mapped, one packed");
                for (int rows : new int[] {1, 2, 4, 5, 9}) {
                    float[] x = rand.gaussian(rows * n);
                    assertArrayEquals(matmul(vec, x, mapped, bias, rows), matmul(vec, x, packed, bias, rows), 0f,
                            dt + " " + m + "x" + n + " rows=" + rows);
                }
                // the embedding gather still reads the rows, from the buffers
                float[] row = new float[n], want = new float[n];
                packed.readRow(m - 1, row, 0);
                mapped.readRow(m - 1, want, 0);
                assertArrayEquals(want, row, 0f);
            }
        }
    }

    /**
     * The heap allowance: packable 16-bit weights go onto the heap at their first matmul while
     * they fit, the rest stay mapped (and still compute the same), weights never multiplied
     * (an embedding table) and float32 and unpackable shapes take none of it, and a backend asked
     * for none packs nothing.
     */
    @Test
    void heapAllowanceDecidesWhichSixteenBitWeightsArePacked() {
        int step = 2 * VectorBackend.lanes(), m = 16, n = 2 * step, bytes = m * n * 2;
        Backend b = new VectorBackend(bytes + bytes / 2);
        float[] w = weights(m * n);
        CpuWeight unpackable = (CpuWeight) b.weight(HalfWeights.stored(DType.BF16, weights(9 * n), 9, n, 9), 9, n);
        CpuWeight first = (CpuWeight) b.weight(HalfWeights.stored(DType.BF16, w, m, n, m), m, n);
        CpuWeight second = (CpuWeight) b.weight(HalfWeights.stored(DType.BF16, w, m, n, m), m, n);
        CpuWeight f32 = (CpuWeight) b.weight(HalfWeights.stored(DType.F32, w, m, n, m), m, n);
        CpuWeight gathered = (CpuWeight) b.weight(HalfWeights.stored(DType.BF16, w, m, n, m), m, n);
        b.embed(b.allocate(2 * n), 0, gathered, new int[] {3, 1}, 2);
        float[] x = rand.gaussian(3 * n);
        assertTrue(first.panels() == null, "nothing is packed at load");
        float[] firstOut = matmul(b, x, first, null, 3);
        float[] secondOut = matmul(b, x, second, null, 3);
        matmul(b, rand.gaussian(9 * n), unpackable, null, 1);
        assertTrue(gathered.panels() == null, "an embedding table only gathered from stays mapped");
        assertTrue(unpackable.panels() == null, "9 rows are not whole panels");
        assertTrue(first.panels() != null, "the first fits");
        assertTrue(second.panels() == null, "the second would pass the allowance");
        assertTrue(f32.onHeap() && f32.panels() == null);
        assertArrayEquals(firstOut, secondOut, 0f);
        assertArrayEquals(firstOut, matmul(b, x, first, null, 3), 0f, "the packed copy computes what the mapping did");
        Backend noHeap = new VectorBackend(0);
        CpuWeight none = (CpuWeight) noHeap.weight(HalfWeights.stored(DType.F16, w, m, n, m), m, n);
        matmul(noHeap, x, none, null, 3);
        assertTrue(none.panels() == null, "--heap-weights none");
        CpuWeight scalar = (CpuWeight) ref.weight(HalfWeights.stored(DType.BF16, w, m, n, m), m, n);
        matmul(ref, x, scalar, null, 3);
        assertTrue(scalar.panels() == null, "the scalar reference reads the buffers");
    }

    @Test
    void autoHeapWeightsPackEveryOfferedWeightOrNone() {
        int step = 2 * VectorBackend.lanes(), m = 16, n = 2 * step, bytes = m * n * 2;
        float[] w = weights(m * n);
        float[] x = rand.gaussian(n);
        Backend noHeap = new VectorBackend(0);
        float[] mapped = matmul(noHeap, x, noHeap.weight(HalfWeights.stored(DType.BF16, w, m, n, m), m, n), null, 1);
        // room for one of the two weights: auto packs neither, a size packs the first come
        for (boolean whole : new boolean[] {true, false}) {
            Backend b = new VectorBackend(WorkerPool.shared(), new HeapWeightAllowance(bytes + bytes / 2, whole));
            CpuWeight first = (CpuWeight) b.weight(HalfWeights.stored(DType.BF16, w, m, n, m), m, n);
            CpuWeight second = (CpuWeight) b.weight(HalfWeights.stored(DType.BF16, w, m, n, m), m, n);
            assertArrayEquals(mapped, matmul(b, x, first, null, 1), 0f);
            matmul(b, x, second, null, 1);
            assertEquals(!whole, first.panels() != null, "first packed, all or nothing = " + whole);
            assertTrue(second.panels() == null, "the second never fits");
        }
        // room for both: auto packs both
        Backend fits = new VectorBackend(WorkerPool.shared(), new HeapWeightAllowance(2L * bytes, true));
        CpuWeight a = (CpuWeight) fits.weight(HalfWeights.stored(DType.F16, w, m, n, m), m, n);
        CpuWeight c = (CpuWeight) fits.weight(HalfWeights.stored(DType.F16, w, m, n, m), m, n);
        matmul(fits, x, a, null, 1);
        matmul(fits, x, c, null, 1);
        assertTrue(a.panels() != null && c.panels() != null, "everything offered fits");
    }

    @Test
    void halfMatmulResultDoesNotChangeOnceCompiled() {
        int n = 45, m = 9;
        float[] x = rand.gaussian(5 * n);
        for (DType dt : HALVES) {
            Weight w = vec.weight(HalfWeights.stored(dt, weights(m * n), m, n, 4), m, n);
            float[] cold = matmul(vec, x, w, null, 5);
            for (int i = 0; i < 3000; i++) {
                matmul(vec, x, w, null, 5);
            }
            assertArrayEquals(cold, matmul(vec, x, w, null, 5), 0f, dt.toString());
        }
    }

    @Test
    void embeddingGatherReadsHalfTablesExactly() {
        for (DType dt : HALVES) {
            int vocab = 11, dim = 19;
            float[] table = weights(vocab * dim), widened = HalfWeights.rounded(dt, table);
            int[] ids = {10, 0, 3, 3, 7};
            for (Backend b : new Backend[] {ref, vec}) {
                Weight t = b.weight(HalfWeights.stored(dt, table, vocab, dim, 4), vocab, dim);
                Tensor out = b.allocate((ids.length + 1) * dim);
                b.embed(out, 1, t, ids, ids.length);
                float[] got = read(b, out);
                for (int r = 0; r < ids.length; r++) {
                    assertArrayEquals(Arrays.copyOfRange(widened, ids[r] * dim, (ids[r] + 1) * dim),
                            Arrays.copyOfRange(got, (r + 1) * dim, (r + 2) * dim), 0f, b.name() + " " + dt + " id " + ids[r]);
                }
                assertThrows(IllegalArgumentException.class, () -> b.embed(out, 0, t, new int[] {vocab}, 1));
            }
        }
    }

    @Test
    void storedFloat32LandsOnTheHeapAndHeapArraysAreNotCopied() {
        float[] w = rand.gaussian(6 * 10);
        CpuWeight fromBuffers = (CpuWeight) vec.weight(HalfWeights.stored(DType.F32, w, 6, 10, 4), 6, 10);
        assertTrue(fromBuffers.onHeap());
        assertArrayEquals(w, fromBuffers.data(), 0f);
        CpuWeight fromArray = (CpuWeight) vec.weight(StoredTensor.ofFloats(w, 6, 10), 6, 10);
        assertSame(w, fromArray.data());
        CpuWeight half = (CpuWeight) vec.weight(HalfWeights.stored(DType.BF16, w, 6, 10, 4), 6, 10);
        assertFalse(half.onHeap());
    }

    /** Row ranges (a fused qkv split into q, k, v) read as the same rows of the whole, inside one buffer or across two. */
    @Test
    void rowRangesOfAStoredTensorHoldThoseRowsWithinAndAcrossBuffers() {
        float[] w = weights(12 * 5);
        for (DType dt : new DType[] {DType.BF16, DType.F16, DType.F32}) {
            StoredTensor t = HalfWeights.stored(dt, w, 12, 5, 4);
            float[] all = t.toFloats();
            for (int[] range : new int[][] {{0, 4}, {4, 4}, {5, 2}, {2, 7}, {0, 12}, {11, 1}, {3, 0}}) {
                StoredTensor part = t.rows(range[0], range[1]);
                assertEquals(dt, part.dtype());
                assertArrayEquals(Arrays.copyOfRange(all, range[0] * 5, (range[0] + range[1]) * 5), part.toFloats(), 0f,
                        dt + " rows " + range[0] + "+" + range[1]);
                if (range[1] > 0 && dt != DType.F32) {
                    CpuWeight cw = (CpuWeight) vec.weight(part, range[1], 5);
                    float[] row = new float[5];
                    cw.readRow(range[1] - 1, row, 0);
                    assertArrayEquals(Arrays.copyOfRange(all, (range[0] + range[1] - 1) * 5, (range[0] + range[1]) * 5), row, 0f);
                }
            }
            assertThrows(IndexOutOfBoundsException.class, () -> t.rows(10, 3));
        }
        float[] heap = rand.gaussian(6);
        assertArrayEquals(new float[] {heap[2], heap[3], heap[4], heap[5]},
                StoredTensor.ofFloats(heap, 3, 2).rows(1, 2).toFloats(), 0f);
    }

    @Test
    void ofBf16HoldsEachValueRoundedToBf16InOneBuffer() {
        float[] v = rand.gaussian(5 * 7);
        StoredTensor t = StoredTensor.ofBf16(v, 5, 7);
        assertEquals(DType.BF16, t.dtype());
        assertArrayEquals(new long[] {5, 7}, t.shape());
        assertEquals(1, t.chunkCount());
        assertArrayEquals(HalfWeights.rounded(DType.BF16, v), t.toFloats(), 0f);
    }

    @Test
    void weightOfTheWrongSizeOrSplitIsRefused() {
        StoredTensor t = HalfWeights.stored(DType.BF16, new float[60], 6, 10, 4);
        assertThrows(IllegalArgumentException.class, () -> vec.weight(t, 5, 10));
        // 4 stored rows of 10 are 40 elements: not whole rows of 15
        assertThrows(IllegalArgumentException.class, () -> vec.weight(t, 4, 15));
        assertEquals(8, ((CpuWeight) vec.weight(t, 12, 5)).rowsPerChunk());
    }
}
