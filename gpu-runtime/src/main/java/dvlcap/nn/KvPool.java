package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;

/**
 * The keys and values of every sequence of one engine, allocated once, in fixed-size pages. A page
 * holds {@code pageSize} positions of every layer's keys and values ({@code 2 x layers x pageSize x
 * kvDim} floats); layer {@code l}'s keys of page {@code p} are rows {@code p * pageSize ..} of
 * {@link #keys(int) keys(l)}. A sequence reserves its pages through {@link #newCache} and gives them
 * back when its cache closes; closing the pool frees the memory and fails if a cache still holds pages.
 */
public final class KvPool implements AutoCloseable {
    /** Positions per page: small enough to waste little per sequence, large enough to keep copies long. */
    public static final int DEFAULT_PAGE_SIZE = 16;

    private final Tensor[] keys;
    private final Tensor[] values;
    private final int pageSize;
    private final int kvDim;
    private final PageAllocator pages;
    private boolean closed;

    private KvPool(Backend backend, int layers, int kvDim, int pageSize, int pageCount) {
        if (layers < 1 || kvDim < 1 || pageSize < 1) {
            throw new IllegalArgumentException("KV pool of " + layers + " layers, kv width " + kvDim + ", page size "
                    + pageSize + ": each must be >= 1");
        }
        long floats = (long) pageCount * pageSize * kvDim;
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a KV pool of " + pageCount + " pages of " + pageSize + " positions x "
                    + kvDim + " floats per layer exceeds one buffer (" + Integer.MAX_VALUE + " floats): lower --kv-budget");
        }
        this.pageSize = pageSize;
        this.kvDim = kvDim;
        this.pages = new PageAllocator(pageCount);
        keys = new Tensor[layers];
        values = new Tensor[layers];
        try {
            for (int l = 0; l < layers; l++) {
                keys[l] = backend.allocate((int) floats);
                values[l] = backend.allocate((int) floats);
            }
        } catch (RuntimeException e) {
            freeMemory(); // a device that runs out part-way keeps nothing of the pool
            throw e;
        }
    }

    /** A pool of {@code pageCount} pages of {@code pageSize} positions for a model of this shape. */
    public static KvPool allocate(Backend backend, int layers, int kvDim, int pageSize, int pageCount) {
        return new KvPool(backend, layers, kvDim, pageSize, pageCount);
    }

    /** Bytes one page takes: keys and values of every layer for {@code pageSize} positions. */
    public static long pageBytes(int layers, int kvDim, int pageSize) {
        return 2L * layers * pageSize * kvDim * Float.BYTES;
    }

    /** Pages a sequence of {@code capacity} positions needs. */
    public int pagesFor(int capacity) {
        return (capacity + pageSize - 1) / pageSize;
    }

    /**
     * A cache for {@code capacity} positions on pages reserved now, or null when the pool has not
     * that many free pages at the moment (they come back as other caches close).
     *
     * @throws IllegalArgumentException when the pool could never hold it
     */
    public KvCache tryReserve(int capacity) {
        int[] got = reserve(capacity);
        return got == null ? null : new KvCache(this, got, capacity);
    }

    /** The pages of {@link #tryReserve}, held by the caller, or null when they are not free now. */
    int[] reserve(int capacity) {
        int n = pagesFor(capacity);
        if (n > pages.total()) {
            throw new IllegalArgumentException("a sequence of " + capacity + " positions needs " + n + " KV pages of "
                    + pageSize + " positions (" + n * pageBytes() + " bytes); the pool holds " + pages.total()
                    + " pages (" + bytes() + " bytes): raise --kv-budget or lower --max-new-tokens");
        }
        return pages.tryAllocate(n);
    }

    /** A cache for {@code capacity} positions; fails if the pool cannot give its pages now. */
    public KvCache newCache(int capacity) {
        KvCache c = tryReserve(capacity);
        if (c == null) {
            throw new IllegalStateException("the KV pool has " + pages.free() + " free pages, a sequence of " + capacity
                    + " positions needs " + pagesFor(capacity));
        }
        return c;
    }

    void release(int[] held) {
        pages.free(held);
    }

    Tensor keys(int layer) {
        return keys[layer];
    }

    Tensor values(int layer) {
        return values[layer];
    }

    public int layers() {
        return keys.length;
    }

    public int kvDim() {
        return kvDim;
    }

    public int pageSize() {
        return pageSize;
    }

    public int totalPages() {
        return pages.total();
    }

    public int pagesInUse() {
        return pages.inUse();
    }

    public int freePages() {
        return pages.free();
    }

    /** Most pages held at once since the pool was made. */
    public int peakPages() {
        return pages.peak();
    }

    public long pageBytes() {
        return pageBytes(keys.length, kvDim, pageSize);
    }

    /** Memory the pool holds on its backend. */
    public long bytes() {
        return pageBytes() * pages.total();
    }

    /**
     * Frees the pool's memory, then fails if any cache still holds pages (a leak: every sequence
     * must close its cache when it finishes or fails).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeMemory();
        pages.close();
    }

    private void freeMemory() {
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                keys[l].close();
                keys[l] = null;
            }
            if (values[l] != null) {
                values[l].close();
                values[l] = null;
            }
        }
    }

    @Override
    public String toString() {
        return "KvPool[" + pages.total() + " pages of " + pageSize + " positions, " + pages.inUse() + " in use, "
                + bytes() + " bytes]";
    }
}
