package dvlcap.nn;

/**
 * One sequence's share of a batched forward: {@code rows} consecutive input rows at cache slots
 * {@code pos0 ..}, attending to its cache under a block-causal mask of {@code maskBlock} (1 =
 * causal). Their keys and values are written into the cache at the same slots. The rotary position
 * of a row is its slot, unless {@code positions} (M-RoPE models) says otherwise.
 *
 * @param positions the sequence's multimodal rotary positions, or null for positions = slots
 */
public record Segment(KvCache cache, int pos0, int rows, int maskBlock, RopePositions positions) {
    public Segment {
        if (pos0 + rows > cache.capacity()) {
            throw new IllegalArgumentException("segment ends at " + (pos0 + rows) + ", cache holds " + cache.capacity());
        }
    }

    /** A segment whose rotary positions are its cache slots. */
    public Segment(KvCache cache, int pos0, int rows, int maskBlock) {
        this(cache, pos0, rows, maskBlock, null);
    }
}
