package dvlcap.backend;

import java.util.List;

/**
 * Where each sequence of a batched forward sits: its query rows in the batch's activations and its
 * keys and values in a paged KV buffer. One layout serves every layer of a forward (the KV write and
 * the attention of each layer), so backends may prepare it once (the CUDA backend uploads it once).
 *
 * <p>Sequences appear in row order and their row ranges do not overlap; a sequence of zero rows is
 * allowed and does nothing.
 */
public record BatchLayout(List<Sequence> sequences) {

    /**
     * One sequence's share: query rows {@code row0 .. row0 + rows - 1} at absolute positions
     * {@code pos0 ..}, attending to its positions {@code 0 .. kvLength - 1} (found through
     * {@code pages}) under a block-causal mask of {@code maskBlock}: the query at position {@code p}
     * sees key {@code j} iff {@code j / maskBlock <= p / maskBlock} ({@code 1} is causal,
     * {@link Integer#MAX_VALUE} bidirectional). The KV write puts these rows' keys and values at
     * positions {@code pos0 ..} of the same table.
     */
    public record Sequence(int row0, int rows, int pos0, int kvLength, int maskBlock, PageTable pages) {
        public Sequence {
            if (row0 < 0 || rows < 0 || pos0 < 0 || maskBlock < 1) {
                throw new IllegalArgumentException("sequence at row " + row0 + " with " + rows + " rows, position "
                        + pos0 + ", mask block " + maskBlock + ": rows and positions must be >= 0, the mask block >= 1");
            }
            if ((long) pos0 + rows > kvLength) {
                // every query must see at least its own key, or its softmax has nothing to normalise
                throw new IllegalArgumentException("query positions " + pos0 + ".." + (pos0 + rows - 1) + " past the "
                        + kvLength + " keys the sequence attends to");
            }
            if (kvLength > pages.capacity()) {
                throw new IllegalArgumentException(kvLength + " keys but the page table covers " + pages.capacity()
                        + " positions");
            }
        }

        /** The positions this sequence's rows occupy in a contiguous buffer of keys: the old per-call case. */
        public static Sequence contiguous(int row0, int rows, int pos0, int kvLength, int maskBlock) {
            return new Sequence(row0, rows, pos0, kvLength, maskBlock, PageTable.contiguous(kvLength));
        }
    }

    public BatchLayout {
        sequences = List.copyOf(sequences);
        int end = 0;
        for (Sequence s : sequences) {
            if (s.row0() < end) {
                throw new IllegalArgumentException("sequence rows from " + s.row0() + " overlap or precede the rows"
                        + " before them (which end at " + end + "): sequences must come in row order");
            }
            end = s.row0() + s.rows();
        }
    }

    public static BatchLayout of(Sequence... sequences) {
        return new BatchLayout(List.of(sequences));
    }

    /** One past the last query row: the activations must hold at least this many rows. */
    public int rowsSpanned() {
        return sequences.isEmpty() ? 0 : sequences.get(sequences.size() - 1).row0()
                + sequences.get(sequences.size() - 1).rows();
    }

    /** Query rows over all sequences. */
    public int totalRows() {
        int n = 0;
        for (Sequence s : sequences) {
            n += s.rows();
        }
        return n;
    }

    /** One past the highest KV buffer row any table names: the key and value buffers need this many rows. */
    public long kvRowsSpanned() {
        long max = 0;
        for (Sequence s : sequences) {
            if (s.kvLength() > 0) {
                max = Math.max(max, s.pages().rowsSpanned());
            }
        }
        return max;
    }

    /** The most keys any sequence attends to. */
    public int maxKvLength() {
        int max = 0;
        for (Sequence s : sequences) {
            max = Math.max(max, s.kvLength());
        }
        return max;
    }
}
