package dvlcap.nn;

import java.util.BitSet;

/**
 * The bookkeeping of a fixed set of pages: which are free, how many are held, the peak. Like an
 * Arrow allocator, it is closed when its owner is done, and closing while pages are still held is a
 * leak and an error. Pages are handed out lowest id first, so a run's layout is reproducible.
 */
public final class PageAllocator implements AutoCloseable {
    private final int total;
    private final BitSet held;
    private int inUse;
    private int peak;
    private boolean closed;

    public PageAllocator(int total) {
        if (total < 1) {
            throw new IllegalArgumentException("a page pool needs at least one page, got " + total);
        }
        this.total = total;
        this.held = new BitSet(total);
    }

    public int total() {
        return total;
    }

    public int free() {
        return total - inUse;
    }

    public int inUse() {
        return inUse;
    }

    /** Most pages held at once since the allocator was made. */
    public int peak() {
        return peak;
    }

    /**
     * {@code n} free pages, now held by the caller, or null when fewer than {@code n} are free (the
     * caller waits for pages to come back).
     */
    public int[] tryAllocate(int n) {
        if (closed) {
            throw new IllegalStateException("page allocator closed");
        }
        if (n < 0) {
            throw new IllegalArgumentException("negative page count " + n);
        }
        if (n > free()) {
            return null;
        }
        int[] pages = new int[n];
        int p = 0;
        for (int i = 0; i < n; i++) {
            p = held.nextClearBit(p);
            held.set(p);
            pages[i] = p++;
        }
        inUse += n;
        peak = Math.max(peak, inUse);
        return pages;
    }

    /** Returns pages obtained from {@link #tryAllocate}; returning one that is not held is an error. */
    public void free(int[] pages) {
        for (int p : pages) {
            if (p < 0 || p >= total || !held.get(p)) {
                throw new IllegalStateException("page " + p + " is not held (pool of " + total + " pages)");
            }
        }
        for (int p : pages) {
            held.clear(p);
        }
        inUse -= pages.length;
    }

    /** @throws IllegalStateException if pages are still held: someone leaked them */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (inUse > 0) {
            throw new IllegalStateException("KV pages leaked: " + inUse + " of " + total
                    + " pages still held when the pool closed");
        }
    }
}
