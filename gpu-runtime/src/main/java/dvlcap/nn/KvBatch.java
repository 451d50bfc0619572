package dvlcap.nn;

import dvlcap.backend.BatchLayout;
import dvlcap.backend.PageTable;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The segments of a forward whose caches live on one {@link KvPool}, as the backend layout of one KV
 * write and one attention call per layer. The engine's sequences all share its pool, so a forward
 * makes one of these; caches made alone ({@link KvCache#standalone}) each bring their own pool.
 */
record KvBatch(KvPool pool, BatchLayout layout) {

    /**
     * Groups {@code segments} (whose rows follow each other from row 0, in order) by pool, in order
     * of first appearance. Segments of one cache must not write the same position: the batched write
     * would leave which of them wins to the backend.
     */
    static List<KvBatch> of(List<Segment> segments) {
        Map<KvPool, List<BatchLayout.Sequence>> byPool = new LinkedHashMap<>();
        Map<KvCache, List<Segment>> byCache = new IdentityHashMap<>();
        int row = 0;
        for (Segment s : segments) {
            for (Segment other : byCache.computeIfAbsent(s.cache(), c -> new ArrayList<>())) {
                if (s.pos0() < other.pos0() + other.rows() && other.pos0() < s.pos0() + s.rows()) {
                    throw new IllegalArgumentException("two segments of one cache write positions " + s.pos0() + ".."
                            + (s.pos0() + s.rows() - 1) + " and " + other.pos0() + ".."
                            + (other.pos0() + other.rows() - 1) + ": segments of a cache must not overlap");
                }
            }
            byCache.get(s.cache()).add(s);
            PageTable pages = s.cache().pageTable();
            byPool.computeIfAbsent(s.cache().pool(), p -> new ArrayList<>())
                    .add(new BatchLayout.Sequence(row, s.rows(), s.pos0(), s.pos0() + s.rows(), s.maskBlock(), pages));
            row += s.rows();
        }
        List<KvBatch> batches = new ArrayList<>(byPool.size());
        byPool.forEach((pool, seqs) -> batches.add(new KvBatch(pool, new BatchLayout(seqs))));
        return batches;
    }
}
