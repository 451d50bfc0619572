package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One attention call and one KV write per layer for a whole ragged batch ({@link BatchLayout}):
 * the Vector backend matches the scalar reference, and on both a sequence's rows are bit for bit
 * what the old one-sequence-per-call contract gave on the same keys, whatever the page tables, the
 * neighbours and the masks. Pool rows no sequence owns are NaN, so a stray read shows.
 */
class BatchedAttentionTest {
    private static final float UNTOUCHED = -7.25f;
    private final Random rand = new Random(11);

    @Test
    void vectorMatchesScalarOnRandomRaggedBatches() {
        Backend scalar = new ScalarBackend(), vector = new VectorBackend();
        int[][] shapes = {{4, 2, 20}, {6, 6, 16}, {14, 2, 64}};
        for (int trial = 0; trial < 24; trial++) {
            int[] shape = shapes[trial % shapes.length];
            int block = trial % 2 == 0 ? 4 : 8, pageSize = new int[] {1, 3, 16}[trial % 3];
            // up to 20 sequences: the large ones take the Vector backend's parallel path
            RaggedBatch batch = RaggedBatch.random(rand, 1 + rand.nextInt(20), block, pageSize, shape[0], shape[1],
                    shape[2], 0);
            float[] want = batch.batched(scalar, UNTOUCHED), got = batch.batched(vector, UNTOUCHED);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5, batch + " at " + i);
            }
        }
    }

    @Test
    void batchedEqualsOneCallPerSequenceBitwise() {
        for (Backend b : new Backend[] {new ScalarBackend(), new VectorBackend()}) {
            for (int trial = 0; trial < 12; trial++) {
                RaggedBatch batch = RaggedBatch.random(rand, 1 + rand.nextInt(12), 8, trial % 2 == 0 ? 4 : 16, 14, 2,
                        64, 0);
                assertArrayEquals(batch.perSequence(b, UNTOUCHED), batch.batched(b, UNTOUCHED),
                        b.name() + " " + batch);
            }
        }
    }

    @Test
    void rowsBetweenSequencesAreLeftAlone() {
        for (Backend b : new Backend[] {new ScalarBackend(), new VectorBackend()}) {
            RaggedBatch batch = RaggedBatch.random(rand, 5, 4, 4, 4, 2, 16, 3);
            float[] got = batch.batched(b, UNTOUCHED);
            assertArrayEquals(batch.perSequence(b, UNTOUCHED), got, b.name() + " " + batch);
            int stride = batch.heads * batch.headDim;
            BatchLayout.Sequence first = batch.layout.sequences().get(0);
            int gap = (first.row0() + first.rows()) * stride;
            assertEquals(UNTOUCHED, got[gap], b.name() + ": a row between sequences was written");
        }
    }

    @Test
    void aSequenceAloneGivesTheSameRowsAsInsideTheBatch() {
        Backend b = new VectorBackend();
        RaggedBatch batch = RaggedBatch.random(rand, 16, 8, 16, 14, 2, 64, 0);
        float[] together = batch.batched(b, 0f);
        int stride = batch.heads * batch.headDim;
        for (BatchLayout.Sequence s : batch.layout.sequences()) {
            float[] alone = new float[batch.q.length];
            try (Tensor out = b.allocate(alone.length); Tensor q = b.upload(batch.q); Tensor k = b.upload(batch.keys);
                 Tensor v = b.upload(batch.values)) {
                b.batchedAttention(out, q, k, v, BatchLayout.of(s), batch.heads, batch.kvHeads, batch.headDim);
                b.read(out, 0, alone, 0, alone.length);
            }
            int from = s.row0() * stride, to = from + s.rows() * stride;
            assertArrayEquals(Arrays.copyOfRange(alone, from, to), Arrays.copyOfRange(together, from, to), s.toString());
        }
    }

    @Test
    void writeKvPutsEachRowAtItsPositionsPageRowAndNowhereElse() {
        for (Backend b : new Backend[] {new ScalarBackend(), new VectorBackend()}) {
            int kvDim = 12, pageSize = 4;
            // two sequences on interleaved, out-of-order pages of one pool; the second writes across a page edge
            PageTable t0 = new PageTable(new int[] {5, 1, 3}, pageSize), t1 = new PageTable(new int[] {4, 0, 2}, pageSize);
            BatchLayout layout = BatchLayout.of(new BatchLayout.Sequence(0, 1, 9, 10, 1, t0),
                    new BatchLayout.Sequence(1, 8, 2, 10, 4, t1));
            float[] k = new float[9 * kvDim], v = new float[9 * kvDim];
            for (int i = 0; i < k.length; i++) {
                k[i] = i;
                v[i] = -i;
            }
            float[] poolK = new float[6 * pageSize * kvDim], poolV = new float[poolK.length];
            Arrays.fill(poolK, UNTOUCHED);
            Arrays.fill(poolV, UNTOUCHED);
            try (Tensor keys = b.upload(poolK); Tensor values = b.upload(poolV); Tensor kt = b.upload(k);
                 Tensor vt = b.upload(v)) {
                b.writeKv(keys, values, kt, vt, layout, kvDim);
                b.read(keys, 0, poolK, 0, poolK.length);
                b.read(values, 0, poolV, 0, poolV.length);
            }
            float[] wantK = new float[poolK.length], wantV = new float[poolV.length];
            Arrays.fill(wantK, UNTOUCHED);
            Arrays.fill(wantV, UNTOUCHED);
            for (BatchLayout.Sequence s : layout.sequences()) {
                for (int i = 0; i < s.rows(); i++) {
                    int dst = s.pages().row(s.pos0() + i) * kvDim, src = (s.row0() + i) * kvDim;
                    System.arraycopy(k, src, wantK, dst, kvDim);
                    System.arraycopy(v, src, wantV, dst, kvDim);
                }
            }
            assertArrayEquals(wantK, poolK, b.name());
            assertArrayEquals(wantV, poolV, b.name());
        }
    }

    @Test
    void layoutsThatWouldReadOrWriteOutOfPlaceAreRefused() {
        PageTable two = new PageTable(new int[] {0, 1}, 4);
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> BatchLayout.of(new BatchLayout.Sequence(0, 4, 0, 4, 1, two), new BatchLayout.Sequence(3, 1, 0, 1, 1, two)));
        assertTrue(overlap.getMessage().contains("row order"), overlap.getMessage());
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                () -> new BatchLayout.Sequence(0, 4, 6, 8, 1, two));
        assertTrue(past.getMessage().contains("past the 8 keys"), past.getMessage());
        IllegalArgumentException table = assertThrows(IllegalArgumentException.class,
                () -> new BatchLayout.Sequence(0, 1, 8, 9, 1, two));
        assertTrue(table.getMessage().contains("covers 8 positions"), table.getMessage());

        Backend b = new ScalarBackend();
        BatchLayout farPage = BatchLayout.of(new BatchLayout.Sequence(0, 1, 0, 1, 1, new PageTable(new int[] {3}, 4)));
        IllegalArgumentException buffer = assertThrows(IllegalArgumentException.class,
                () -> b.batchedAttention(b.allocate(8), b.allocate(8), b.allocate(8 * 8), b.allocate(8 * 8), farPage,
                        1, 1, 8));
        assertTrue(buffer.getMessage().contains("reaches row 16"), buffer.getMessage());
        BatchLayout manyRows = new BatchLayout(List.of(new BatchLayout.Sequence(0, 2, 0, 2, 1, two)));
        assertThrows(IllegalArgumentException.class,
                () -> b.batchedAttention(b.allocate(8), b.allocate(8), b.allocate(64), b.allocate(64), manyRows, 1, 1, 8));
    }
}
