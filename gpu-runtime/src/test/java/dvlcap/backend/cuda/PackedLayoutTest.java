package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dvlcap.backend.BatchLayout;
import dvlcap.backend.PageTable;
import dvlcap.backend.RaggedBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packed layout, read the way attention_batched and kv_write read it (attention.cu), names for
 * every query row of the batch its sequence's output row, position, keys and mask: checked without
 * a GPU, so the kernels' address arithmetic rests on a tested layout.
 */
class PackedLayoutTest {

    @Test
    void readingThePackedIntsAsTheKernelsDoFindsEachQuerysRowPositionAndKeys() {
        Random rand = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            RaggedBatch batch = RaggedBatch.random(rand, 1 + rand.nextInt(20), 8, new int[] {1, 4, 16}[trial % 3], 2,
                    1, 4, trial % 2);
            check(batch.layout);
        }
        // zero-row sequences take no query and shift no one's pages
        PageTable a = new PageTable(new int[] {3, 0}, 4), b = new PageTable(new int[] {1}, 4);
        check(BatchLayout.of(new BatchLayout.Sequence(0, 0, 0, 0, 1, b), new BatchLayout.Sequence(0, 2, 5, 7, 4, a),
                new BatchLayout.Sequence(2, 0, 0, 0, 1, b), new BatchLayout.Sequence(2, 1, 3, 4, 1, b)));
    }

    private static void check(BatchLayout layout) {
        PackedLayout p = PackedLayout.of(layout);
        int[] ints = p.ints();
        assertEquals(layout.totalRows(), p.queries());
        int g = 0;
        for (int s = 0; s < layout.sequences().size(); s++) {
            BatchLayout.Sequence seq = layout.sequences().get(s);
            for (int i = 0; i < seq.rows(); i++, g++) {
                // as the kernels: const int* s = seqs + seqOf[g] * SEQ_INTS; i = g - s[SEQ_QUERY0]
                int o = ints[p.seqOfOffset() + g] * PackedLayout.SEQ_INTS;
                int local = g - ints[o + PackedLayout.QUERY0];
                String where = "query " + g + " of " + layout;
                assertEquals(seq.row0() + i, ints[o + PackedLayout.ROW0] + local, where);
                assertEquals(seq.pos0() + i, ints[o + PackedLayout.POS0] + local, where);
                assertEquals(seq.kvLength(), ints[o + PackedLayout.KV_LENGTH], where);
                assertEquals(seq.maskBlock(), ints[o + PackedLayout.MASK_BLOCK], where);
                int pages = p.pagesOffset() + ints[o + PackedLayout.PAGE_OFFSET], ps = ints[o + PackedLayout.PAGE_SIZE];
                for (int j = 0; j < seq.kvLength(); j++) {
                    // kv_row(pages + s[SEQ_PAGE_OFFSET], s[SEQ_PAGE_SIZE], j)
                    assertEquals(seq.pages().row(j), ints[pages + j / ps] * ps + j % ps, where + ", key " + j);
                }
            }
        }
        assertEquals(p.queries(), g);
    }
}
