package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.BatchLayout;
import dvlcap.backend.ScalarBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A forward's segments become one backend layout per KV pool: the engine's (one pool) is one call
 * per layer, each sequence keeping its own rows of the batch and its own page table.
 */
class KvBatchTest {
    private final Backend b = new ScalarBackend();

    @Test
    void segmentsOnOnePoolMakeOneLayoutThatKeepsEachSequencesRowsAndPages() {
        try (KvPool pool = KvPool.allocate(b, 1, 4, 4, 16); KvCache a = pool.newCache(12); KvCache c = pool.newCache(9);
             KvCache alone = KvCache.standalone(b, 1, 8, 4)) {
            List<KvBatch> batches = KvBatch.of(List.of(new Segment(a, 8, 4, 4), new Segment(alone, 0, 8, 1),
                    new Segment(c, 8, 1, 1)));
            assertEquals(2, batches.size(), "one layout per pool, the engine's pool first");
            assertSame(pool, batches.get(0).pool());
            List<BatchLayout.Sequence> seqs = batches.get(0).layout().sequences();
            assertEquals(new BatchLayout.Sequence(0, 4, 8, 12, 4, a.pageTable()), seqs.get(0));
            // rows 4..11 belong to the standalone cache's segment: c's one row is row 12 of the batch
            assertEquals(new BatchLayout.Sequence(12, 1, 8, 9, 1, c.pageTable()), seqs.get(1));
            assertEquals(List.of(new BatchLayout.Sequence(4, 8, 0, 8, 1, alone.pageTable())),
                    batches.get(1).layout().sequences());
        }
    }

    @Test
    void aContextAndABlockOfOneCacheShareTheLayoutButOverlappingSegmentsAreRefused() {
        try (KvCache cache = KvCache.standalone(b, 1, 24, 4)) {
            // the fast decoders' forward: the context, causal, then the block after it, bidirectional
            List<KvBatch> ok = KvBatch.of(List.of(new Segment(cache, 0, 16, 1),
                    new Segment(cache, 16, 8, Integer.MAX_VALUE)));
            assertEquals(1, ok.size());
            assertEquals(2, ok.get(0).layout().sequences().size());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KvBatch.of(List.of(new Segment(cache, 0, 16, 1), new Segment(cache, 12, 8, 8))));
            assertTrue(e.getMessage().contains("must not overlap"), e.getMessage());
        }
    }
}
