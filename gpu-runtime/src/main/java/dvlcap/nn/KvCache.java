package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.PageTable;
import dvlcap.backend.Tensor;

/**
 * The keys and values of one sequence: {@code capacity} positions on pages of a {@link KvPool},
 * found through its {@link PageTable}. Positions below {@link #committed()} hold clean tokens; a
 * forward may write tentative rows above it (a block being denoised), which the next forward
 * overwrites. Close it when the sequence ends: its pages go back to the pool (and a cache made
 * alone, by {@link #standalone}, frees its own pool).
 */
public final class KvCache implements AutoCloseable {
    private final KvPool pool;
    private final PageTable table;
    private final int capacity;
    private final boolean ownsPool;
    private int committed;
    private boolean closed;

    KvCache(KvPool pool, int[] pages, int capacity) {
        this(pool, pages, capacity, false);
    }

    private KvCache(KvPool pool, int[] pages, int capacity, boolean ownsPool) {
        this.pool = pool;
        this.table = new PageTable(pages, pool.pageSize());
        this.capacity = capacity;
        this.ownsPool = ownsPool;
    }

    /** A cache with a pool of its own, exactly large enough (tests, tools, one-off forwards). */
    public static KvCache standalone(Backend backend, int layers, int capacity, int kvDim) {
        int pageSize = Math.max(1, Math.min(KvPool.DEFAULT_PAGE_SIZE, capacity));
        KvPool pool = KvPool.allocate(backend, layers, kvDim, pageSize, (capacity + pageSize - 1) / pageSize);
        return new KvCache(pool, pool.reserve(capacity), capacity, true);
    }

    /** Writes {@code n} rows of {@code k} and {@code v} starting at {@code srcRow} into positions {@code pos0..}. */
    void write(Backend b, int layer, Tensor k, Tensor v, int srcRow, int pos0, int n) {
        int kvd = pool.kvDim(), p = table.pageSize();
        Tensor keys = pool.keys(layer), values = pool.values(layer);
        // one copy per page touched: a page's positions are consecutive rows
        for (int done = 0; done < n; ) {
            int pos = pos0 + done;
            int run = Math.min(n - done, p - pos % p);
            int dst = table.row(pos) * kvd, src = (srcRow + done) * kvd;
            b.copy(k, src, keys, dst, run * kvd);
            b.copy(v, src, values, dst, run * kvd);
            done += run;
        }
    }

    Tensor keys(int layer) {
        return pool.keys(layer);
    }

    Tensor values(int layer) {
        return pool.values(layer);
    }

    public PageTable pageTable() {
        return table;
    }

    public int capacity() {
        return capacity;
    }

    /** Number of leading positions holding final (clean) keys and values. */
    public int committed() {
        return committed;
    }

    /** Marks positions below {@code length} as final. */
    public void commit(int length) {
        if (length < committed || length > capacity) {
            throw new IllegalStateException("commit " + length + " with " + committed + " committed of " + capacity);
        }
        committed = length;
    }

    /** Gives the pages back to the pool; closing again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.release(table.pages());
        if (ownsPool) {
            pool.close();
        }
    }
}
