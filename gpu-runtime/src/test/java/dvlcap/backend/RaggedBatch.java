package dvlcap.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A random batch as the engine makes them, for the batched attention and KV write tests: sequences
 * of 1, B or 2B query rows (a token, a block, a block and the cache write fused into it) at
 * different cache lengths, each on pages drawn at random from one shared pool (so tables are out of
 * order and interleaved with other sequences' pages), under causal, block-causal or no mask. Pool
 * rows no sequence owns hold NaN, so any stray read poisons an output.
 *
 * <p>Also the oracle of the old per-sequence contract: each sequence's keys gathered into a buffer
 * of its own and run through the contiguous {@link Backend#attention} call.
 */
public final class RaggedBatch {
    public final int heads, kvHeads, headDim, pageSize;
    public final BatchLayout layout;
    /** Query rows of the whole batch, {@code heads * headDim} wide. */
    public final float[] q;
    /** The pool's keys and values, {@code kvHeads * headDim} wide; unowned rows NaN. */
    public final float[] keys, values;
    /** Each sequence's keys and values in position order (contiguous). */
    private final float[][] seqKeys, seqValues;

    private RaggedBatch(int heads, int kvHeads, int headDim, int pageSize, BatchLayout layout, float[] q,
                        float[] keys, float[] values, float[][] seqKeys, float[][] seqValues) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.pageSize = pageSize;
        this.layout = layout;
        this.q = q;
        this.keys = keys;
        this.values = values;
        this.seqKeys = seqKeys;
        this.seqValues = seqValues;
    }

    /**
     * {@code sequences} sequences with block size {@code block}; {@code gapRows} rows between
     * consecutive sequences that belong to no one (0 in the engine's layouts).
     */
    public static RaggedBatch random(Random rand, int sequences, int block, int pageSize, int heads, int kvHeads,
                                     int headDim, int gapRows) {
        int width = kvHeads * headDim;
        int[] rows = new int[sequences], kvLen = new int[sequences], masks = new int[sequences];
        int pagesNeeded = 0;
        for (int s = 0; s < sequences; s++) {
            rows[s] = switch (rand.nextInt(3)) {
                case 0 -> 1;
                case 1 -> block;
                default -> 2 * block;
            };
            kvLen[s] = rows[s] + rand.nextInt(5 * block);
            masks[s] = switch (rand.nextInt(3)) {
                case 0 -> 1;
                case 1 -> block;
                default -> Integer.MAX_VALUE;
            };
            pagesNeeded += (kvLen[s] + pageSize - 1) / pageSize;
        }
        // a pool with spare pages, handed out in random order
        int poolPages = pagesNeeded + 3;
        List<Integer> free = new ArrayList<>();
        for (int p = 0; p < poolPages; p++) {
            free.add(p);
        }
        Collections.shuffle(free, rand);
        float[] keys = new float[poolPages * pageSize * width], values = new float[keys.length];
        Arrays.fill(keys, Float.NaN);
        Arrays.fill(values, Float.NaN);
        float[][] seqKeys = new float[sequences][], seqValues = new float[sequences][];
        List<BatchLayout.Sequence> seqs = new ArrayList<>();
        int row = 0, next = 0;
        for (int s = 0; s < sequences; s++) {
            int[] pages = new int[(kvLen[s] + pageSize - 1) / pageSize];
            for (int i = 0; i < pages.length; i++) {
                pages[i] = free.get(next++);
            }
            PageTable table = new PageTable(pages, pageSize);
            seqKeys[s] = gaussian(rand, kvLen[s] * width);
            seqValues[s] = gaussian(rand, kvLen[s] * width);
            for (int j = 0; j < kvLen[s]; j++) {
                System.arraycopy(seqKeys[s], j * width, keys, table.row(j) * width, width);
                System.arraycopy(seqValues[s], j * width, values, table.row(j) * width, width);
            }
            seqs.add(new BatchLayout.Sequence(row, rows[s], kvLen[s] - rows[s], kvLen[s], masks[s], table));
            row += rows[s] + gapRows;
        }
        float[] q = gaussian(rand, row * heads * headDim);
        return new RaggedBatch(heads, kvHeads, headDim, pageSize, new BatchLayout(seqs), q, keys, values, seqKeys,
                seqValues);
    }

    private static float[] gaussian(Random rand, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rand.nextGaussian();
        }
        return a;
    }

    /** The batched call on {@code b}; output rows outside the layout hold {@code fill}. */
    public float[] batched(Backend b, float fill) {
        float[] init = new float[q.length];
        Arrays.fill(init, fill);
        try (Tensor out = b.upload(init); Tensor qt = b.upload(q); Tensor kt = b.upload(keys);
             Tensor vt = b.upload(values)) {
            b.batchedAttention(out, qt, kt, vt, layout, heads, kvHeads, headDim);
            float[] o = new float[q.length];
            b.read(out, 0, o, 0, o.length);
            return o;
        }
    }

    /**
     * The old contract: one contiguous {@link Backend#attention} call per sequence on its own keys;
     * output rows outside the layout hold {@code fill}.
     */
    public float[] perSequence(Backend b, float fill) {
        float[] o = new float[q.length];
        Arrays.fill(o, fill);
        int stride = heads * headDim;
        try (Tensor qt = b.upload(q)) {
            for (int s = 0; s < layout.sequences().size(); s++) {
                BatchLayout.Sequence seq = layout.sequences().get(s);
                try (Tensor out = b.allocate(q.length); Tensor kt = b.upload(seqKeys[s]);
                     Tensor vt = b.upload(seqValues[s])) {
                    b.attention(out, qt, seq.row0(), seq.rows(), kt, vt, seq.kvLength(), seq.pos0(), seq.maskBlock(),
                            heads, kvHeads, headDim);
                    b.read(out, seq.row0() * stride, o, seq.row0() * stride, seq.rows() * stride);
                }
            }
        }
        return o;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("batch of " + heads + "/" + kvHeads + " heads of " + headDim + ", pages of "
                + pageSize + ":");
        for (BatchLayout.Sequence s : layout.sequences()) {
            sb.append(" [rows ").append(s.row0()).append('+').append(s.rows()).append(" pos0 ").append(s.pos0())
                    .append(" kv ").append(s.kvLength()).append(" mask ")
                    .append(s.maskBlock() == Integer.MAX_VALUE ? "none" : s.maskBlock()).append(" pages ")
                    .append(Arrays.toString(s.pages().pages())).append(']');
        }
        return sb.toString();
    }
}
