package dvlcap.backend.cuda;

import dvlcap.backend.BatchLayout;
import java.util.List;

/**
 * A {@link BatchLayout} as the batched kernels of attention.cu read it, in one int array so that a
 * forward uploads it in one copy: {@link #SEQ_INTS} ints per sequence, then the sequence of each
 * query row of the batch (so a warp finds its sequence without a search), then every page table
 * one after another.
 *
 * @param queries query rows over all sequences (the kernels' grid)
 */
record PackedLayout(int[] ints, int queries, int seqOfOffset, int pagesOffset) {
    /** Ints per sequence and the slot of each field: SEQ_* in attention.cu. */
    static final int SEQ_INTS = 8, ROW0 = 0, ROWS = 1, POS0 = 2, KV_LENGTH = 3, MASK_BLOCK = 4, PAGE_SIZE = 5,
            PAGE_OFFSET = 6, QUERY0 = 7;

    static PackedLayout of(BatchLayout layout) {
        List<BatchLayout.Sequence> seqs = layout.sequences();
        int queries = 0;
        long pageInts = 0;
        for (BatchLayout.Sequence s : seqs) {
            queries += s.rows();
            pageInts += s.pages().pages().length;
        }
        int seqOfOffset = seqs.size() * SEQ_INTS, pagesOffset = seqOfOffset + queries;
        if (pagesOffset + pageInts > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a batch layout of " + seqs.size() + " sequences, " + queries
                    + " query rows and " + pageInts + " pages is too large to pack");
        }
        int[] ints = new int[(int) (pagesOffset + pageInts)];
        int query = 0, page = pagesOffset;
        for (int i = 0; i < seqs.size(); i++) {
            BatchLayout.Sequence s = seqs.get(i);
            int o = i * SEQ_INTS;
            int[] table = s.pages().pages();
            ints[o + ROW0] = s.row0();
            ints[o + ROWS] = s.rows();
            ints[o + POS0] = s.pos0();
            ints[o + KV_LENGTH] = s.kvLength();
            ints[o + MASK_BLOCK] = s.maskBlock();
            ints[o + PAGE_SIZE] = s.pages().pageSize();
            ints[o + PAGE_OFFSET] = page - pagesOffset;
            ints[o + QUERY0] = query;
            for (int r = 0; r < s.rows(); r++) {
                ints[seqOfOffset + query++] = i;
            }
            System.arraycopy(table, 0, ints, page, table.length);
            page += table.length;
        }
        return new PackedLayout(ints, queries, seqOfOffset, pagesOffset);
    }
}
