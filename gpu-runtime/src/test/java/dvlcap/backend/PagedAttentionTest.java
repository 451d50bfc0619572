package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Attention through a page table reads exactly the sequence's rows: scattered over out-of-order
 * pages of a buffer whose other rows are NaN (any stray read poisons the output), it gives the
 * contiguous result bit for bit (same keys, same order) on the scalar and Vector backends.
 */
class PagedAttentionTest {
    private static final int[] MASKS = {1, 4, 8, Integer.MAX_VALUE};
    private final Rand rand = new Rand(7);

    @Test
    void pagedEqualsContiguousBitwiseOnScalarAndVector() {
        int cases = 0;
        for (Backend b : new Backend[] {new ScalarBackend(), new VectorBackend()}) {
            for (int pageSize : new int[] {1, 3, 4, 16}) {
                for (int mask : MASKS) {
                    for (int pos0 : new int[] {0, 5, 13}) {
                        int nq = 1 + rand.nextInt(9);
                        int kvLen = pos0 + nq;
                        check(b, 4, 2, 20, pageSize, mask, pos0, nq, kvLen);
                        cases++;
                    }
                }
            }
            check(b, 14, 2, 64, 16, 8, 40, 16, 56); // the Vector backend's parallel path
        }
        assertTrue(cases >= 90);
    }

    @Test
    void pagedVectorMatchesPagedScalar() {
        int heads = 6, kvHeads = 2, headDim = 32, pageSize = 4, kvLen = 23;
        int[] pages = scatteredPages(kvLen, pageSize);
        float[] q = rand.gaussian(8 * heads * headDim);
        float[][] kv = scatter(rand.gaussian(kvLen * kvHeads * headDim), rand.gaussian(kvLen * kvHeads * headDim),
                pages, pageSize, kvHeads * headDim, kvLen);
        PageTable table = new PageTable(pages, pageSize);
        float[] want = paged(new ScalarBackend(), q, 0, 8, kv[0], kv[1], table, kvLen, 15, 8, heads, kvHeads, headDim);
        float[] got = paged(new VectorBackend(), q, 0, 8, kv[0], kv[1], table, kvLen, 15, 8, heads, kvHeads, headDim);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5, "at " + i);
        }
    }

    @Test
    void aTableShorterThanTheKeysOrReachingPastTheBufferIsRefused() {
        Backend b = new ScalarBackend();
        float[] q = new float[4 * 8], kv = new float[8 * 8];
        IllegalArgumentException shortTable = assertThrows(IllegalArgumentException.class,
                () -> paged(b, q, 0, 1, kv, kv, new PageTable(new int[] {0}, 4), 5, 4, 1, 4, 1, 8));
        assertTrue(shortTable.getMessage().contains("covers 4 positions"), shortTable.getMessage());
        IllegalArgumentException farPage = assertThrows(IllegalArgumentException.class,
                () -> paged(b, q, 0, 1, kv, kv, new PageTable(new int[] {0, 5}, 4), 5, 4, 1, 4, 1, 8));
        assertTrue(farPage.getMessage().contains("reaches row 24"), farPage.getMessage());
    }

    private void check(Backend b, int heads, int kvHeads, int headDim, int pageSize, int mask, int pos0, int nq,
                       int kvLen) {
        int width = kvHeads * headDim;
        float[] q = rand.gaussian(nq * heads * headDim);
        float[] k = rand.gaussian(kvLen * width), v = rand.gaussian(kvLen * width);
        int[] pages = scatteredPages(kvLen, pageSize);
        float[][] kv = scatter(k, v, pages, pageSize, width, kvLen);
        float[] want = VectorBackendDifferentialTest.attention(b, q, 0, nq, k, v, kvLen, pos0, mask, heads, kvHeads,
                headDim);
        float[] got = paged(b, q, 0, nq, kv[0], kv[1], new PageTable(pages, pageSize), kvLen, pos0, mask, heads,
                kvHeads, headDim);
        assertArrayEquals(want, got, b.name() + " pages " + Arrays.toString(pages) + " of " + pageSize + ", mask " + mask
                + ", pos0 " + pos0 + ", nq " + nq);
    }

    /** The sequence's pages in reverse order, every other page of a buffer twice as large. */
    private static int[] scatteredPages(int kvLen, int pageSize) {
        int n = (kvLen + pageSize - 1) / pageSize;
        int[] pages = new int[n];
        for (int i = 0; i < n; i++) {
            pages[i] = 2 * (n - 1 - i) + 1;
        }
        return pages;
    }

    /** Keys and values placed at their pages' rows; every other row NaN. */
    private static float[][] scatter(float[] k, float[] v, int[] pages, int pageSize, int width, int kvLen) {
        int rows = 2 * pages.length * pageSize + pageSize;
        float[] pk = new float[rows * width], pv = new float[rows * width];
        Arrays.fill(pk, Float.NaN);
        Arrays.fill(pv, Float.NaN);
        PageTable t = new PageTable(pages, pageSize);
        for (int j = 0; j < kvLen; j++) {
            System.arraycopy(k, j * width, pk, t.row(j) * width, width);
            System.arraycopy(v, j * width, pv, t.row(j) * width, width);
        }
        return new float[][] {pk, pv};
    }

    private static float[] paged(Backend b, float[] q, int qRow, int nq, float[] k, float[] v, PageTable table,
                                 int kvLen, int pos0, int mask, int heads, int kvHeads, int headDim) {
        Tensor out = b.allocate(q.length);
        b.batchedAttention(out, b.upload(q), b.upload(k), b.upload(v),
                BatchLayout.of(new BatchLayout.Sequence(qRow, nq, pos0, kvLen, mask, table)), heads, kvHeads, headDim);
        float[] o = new float[q.length];
        b.read(out, 0, o, 0, o.length);
        return o;
    }
}
