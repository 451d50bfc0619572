package dvlcap.nn;

/**
 * One sequence's share of a batched forward: {@code rows} consecutive input rows at absolute
 * positions {@code pos0 ..}, attending to its cache under a block-causal mask of {@code maskBlock}
 * (1 = causal). Their keys and values are written into the cache at the same positions.
 */
public record Segment(KvCache cache, int pos0, int rows, int maskBlock) {
    public Segment {
        if (pos0 + rows > cache.capacity()) {
            throw new IllegalArgumentException("segment ends at " + (pos0 + rows) + ", cache holds " + cache.capacity());
        }
    }
}
