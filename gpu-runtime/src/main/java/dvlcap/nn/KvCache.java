package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.PageTable;

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

    /** The pool whose pages hold this cache: sequences on one pool share a batched attention call. */
    KvPool pool() {
        return pool;
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
