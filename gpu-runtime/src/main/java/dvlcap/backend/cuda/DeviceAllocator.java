package dvlcap.backend.cuda;

import dvlcap.backend.DeviceOutOfMemoryException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Owns every device block of one backend and accounts for it (like an Arrow allocator): bytes in
 * use, the peak, the live buffers. An optional byte limit makes allocations beyond it fail as if
 * the device were full, so a smaller budget than the card's can be enforced (and tested).
 * {@link #close} frees whatever is still open and reports it as a leak.
 */
public final class DeviceAllocator<P> {
    private final DeviceMemory<P> memory;
    private final long limit;
    private final Set<DeviceBuffer<P>> live = new LinkedHashSet<>();
    private long inUse;
    private long peak;
    private boolean closed;

    /** An allocator without a limit of its own. */
    public DeviceAllocator(DeviceMemory<P> memory) {
        this(memory, Long.MAX_VALUE);
    }

    public DeviceAllocator(DeviceMemory<P> memory, long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limitBytes);
        }
        this.memory = memory;
        this.limit = limitBytes;
    }

    /**
     * A new buffer of {@code bytes}, described by {@code what} in leak reports.
     *
     * @throws DeviceOutOfMemoryException past the limit or when the device is full; the accounting
     *                                    is then unchanged
     */
    public synchronized DeviceBuffer<P> allocate(long bytes, String what) {
        if (closed) {
            throw new IllegalStateException("allocator closed");
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation of " + bytes + " bytes for " + what);
        }
        if (bytes > limit - inUse) {
            throw new DeviceOutOfMemoryException(bytes, inUse, "allocator limit " + limit + " bytes");
        }
        P block = memory.allocate(bytes);
        DeviceBuffer<P> b = new DeviceBuffer<>(this, block, bytes, what);
        live.add(b);
        inUse += bytes;
        peak = Math.max(peak, inUse);
        return b;
    }

    /** Frees {@code b} unless it was already freed (double close is harmless). */
    synchronized void release(DeviceBuffer<P> b) {
        if (b.allocator() != this) {
            throw new IllegalArgumentException("buffer " + b + " belongs to another allocator");
        }
        if (b.markReleased()) {
            live.remove(b);
            inUse -= b.bytes();
            memory.free(b.rawBlock());
        }
    }

    /** True if {@code b} came from this allocator. */
    public boolean owns(DeviceBuffer<?> b) {
        return b.allocator() == this;
    }

    public synchronized long bytesInUse() {
        return inUse;
    }

    public synchronized long peakBytes() {
        return peak;
    }

    public synchronized int liveBuffers() {
        return live.size();
    }

    public long limitBytes() {
        return limit;
    }

    /**
     * Frees every buffer still open and reports them; the buffers read as closed afterwards.
     * Closing again reports nothing.
     */
    public synchronized LeakReport close() {
        if (closed) {
            return LeakReport.none();
        }
        closed = true;
        long bytes = 0;
        List<String> names = new ArrayList<>();
        int count = live.size();
        RuntimeException firstFailure = null;
        for (DeviceBuffer<P> b : new ArrayList<>(live)) {
            bytes += b.bytes();
            if (names.size() < LeakReport.LISTED) {
                names.add(b.toString());
            }
            try {
                release(b);
            } catch (RuntimeException e) {
                // keep freeing the rest (a broken context fails every free; destroying it frees all)
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return count == 0 ? LeakReport.none() : new LeakReport(count, bytes, List.copyOf(names));
    }
}
