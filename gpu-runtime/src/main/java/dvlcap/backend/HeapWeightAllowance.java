package dvlcap.backend;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many bytes of 16-bit weights one {@link VectorBackend} (and its siblings) may still copy onto
 * the heap ({@link BackendRequest#heapWeightBytes}). A weight that does not fit stays
 * memory-mapped and is read through the staging copy: slower, never wrong. The first refusal is
 * logged with the limit and the flag that raises it.
 */
final class HeapWeightAllowance {
    private static final Logger LOG = LoggerFactory.getLogger(HeapWeightAllowance.class);

    private final long limit;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicBoolean refusedOnce = new AtomicBoolean();

    /** At most {@code bytes}; {@link BackendRequest#AUTO_HEAP_WEIGHTS}: a quarter of the maximum heap now. */
    HeapWeightAllowance(long bytes) {
        this.limit = bytes == BackendRequest.AUTO_HEAP_WEIGHTS ? Runtime.getRuntime().maxMemory() / 4 : bytes;
        if (limit < 0) {
            throw new IllegalArgumentException("heap for 16-bit weights must be >= 0 bytes, got " + bytes);
        }
    }

    /** Takes {@code bytes} if they fit under the limit with what was taken before; false (and logs, once) if not. */
    boolean take(long bytes, String what) {
        long before;
        do {
            before = taken.get();
            if (before + bytes > limit) {
                if (limit > 0 && refusedOnce.compareAndSet(false, true)) {
                    LOG.info("16-bit weights that do not fit the heap allowance stay memory-mapped (read through a "
                            + "staging copy, slower), first {}: {} MiB on the heap already, {} MiB more asked, limit {} MiB "
                            + "(--heap-weights)", what, before >> 20, bytes >> 20, limit >> 20);
                }
                return false;
            }
        } while (!taken.compareAndSet(before, before + bytes));
        return true;
    }
}
