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
 *
 * <p>{@code auto} is all or nothing: every weight offered (those a matmul may read, loaded before
 * the first forward) is packed if together they fit a quarter of the maximum heap, else none is.
 * Packing part of a model that does not fit bought nothing and cost the first forward its copy (a
 * 7B bf16 model with a quarter of an 18 GiB heap: 27.3 s against 5.8 s, no faster after).
 */
final class HeapWeightAllowance {
    private static final Logger LOG = LoggerFactory.getLogger(HeapWeightAllowance.class);

    private final long limit;
    /** auto: pack only if everything offered fits, decided at the first {@link #take}. */
    private final boolean wholeModel;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();
    private final AtomicBoolean refusedOnce = new AtomicBoolean();
    /** auto's decision, made at the first {@link #take}; null until then. */
    private Boolean wholeFits;

    /** At most {@code bytes}; {@link BackendRequest#AUTO_HEAP_WEIGHTS}: all or nothing, within a quarter of the maximum heap now. */
    HeapWeightAllowance(long bytes) {
        this(bytes == BackendRequest.AUTO_HEAP_WEIGHTS ? Runtime.getRuntime().maxMemory() / 4 : bytes,
                bytes == BackendRequest.AUTO_HEAP_WEIGHTS);
    }

    /** At most {@code limit} bytes; with {@code wholeModel}, everything offered or nothing (auto's rule). */
    HeapWeightAllowance(long limit, boolean wholeModel) {
        if (limit < 0) {
            throw new IllegalArgumentException("heap for 16-bit weights must be >= 0 bytes, got " + limit);
        }
        this.limit = limit;
        this.wholeModel = wholeModel;
    }

    /** A weight that may be packed at its first matmul: counted for auto's all-or-nothing rule. */
    void offer(long bytes) {
        offered.addAndGet(bytes);
    }

    /** Takes {@code bytes} if they fit under the limit with what was taken before; false (and logs, once) if not. */
    boolean take(long bytes, String what) {
        if (wholeModel && !wholeFits()) {
            return false;
        }
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

    /** Whether everything offered so far fits the limit; decided (and logged when not) once. */
    private synchronized boolean wholeFits() {
        if (wholeFits == null) {
            long all = offered.get();
            wholeFits = all <= limit;
            if (!wholeFits) {
                LOG.info("--heap-weights auto: the model's 16-bit weights that matmuls may read, {} MiB, do not fit"
                        + " a quarter of the maximum heap, {} MiB: all stay memory-mapped (--heap-weights SIZE"
                        + " packs part of them)", all >> 20, limit >> 20);
            }
        }
        return wholeFits;
    }
}
