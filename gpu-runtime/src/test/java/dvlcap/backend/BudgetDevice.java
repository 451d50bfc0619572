package dvlcap.backend;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake device for memory tests: heap tensors with the scalar backend's math, under limits a GPU
 * would impose — a total byte budget over all live tensors, and optionally a number of allocations
 * after which every further one fails — with the accounting (live tensors, bytes in use, peak) that
 * lets a test see a leak. The accounting is synchronized: a tensor made on one thread (the vision
 * worker's) may be closed on another. A device made {@link #withSiblings} hands out siblings,
 * each a budget device of its own, so that a test can see what the vision thread left.
 */
public final class BudgetDevice extends CpuBackend {
    private final ScalarBackend math = new ScalarBackend();
    private final long budgetBytes;
    private int allocationsLeft;
    private long inUse;
    private long peak;
    private int live;
    private int refusals;
    private volatile Error fatal;
    private boolean siblingsAllowed;
    private final List<BudgetDevice> siblings = new CopyOnWriteArrayList<>();

    private BudgetDevice(long budgetBytes, int allocations) {
        this.budgetBytes = budgetBytes;
        this.allocationsLeft = allocations;
    }

    /** A device that grants the first {@code n} allocations and refuses every later one. */
    public static BudgetDevice allowing(int n) {
        return new BudgetDevice(Long.MAX_VALUE, n);
    }

    /** A device whose live tensors may hold at most {@code bytes} together. */
    public static BudgetDevice withBudget(long bytes) {
        return new BudgetDevice(bytes, Integer.MAX_VALUE);
    }

    /** An unlimited device whose {@link #sibling()} is another unlimited device (a CPU backend's behaviour). */
    public static BudgetDevice withSiblings() {
        BudgetDevice d = new BudgetDevice(Long.MAX_VALUE, Integer.MAX_VALUE);
        d.siblingsAllowed = true;
        return d;
    }

    @Override
    public Optional<Backend> sibling() {
        if (!siblingsAllowed) {
            return Optional.empty();
        }
        BudgetDevice s = new BudgetDevice(Long.MAX_VALUE, Integer.MAX_VALUE);
        siblings.add(s);
        return Optional.of(s);
    }

    /** The siblings handed out so far. */
    public List<BudgetDevice> siblings() {
        return List.copyOf(siblings);
    }

    @Override
    public String name() {
        return "budget-device";
    }

    /** Makes the next allocation throw {@code error} (a fatal failure inside a forward). */
    public void failNextAllocationWith(Error error) {
        fatal = error;
    }

    @Override
    public synchronized Tensor allocate(int n) {
        Error e = fatal;
        if (e != null) {
            fatal = null;
            throw e;
        }
        long bytes = (long) n * Float.BYTES;
        if (allocationsLeft == 0 || bytes > budgetBytes - inUse) {
            refusals++;
            throw new DeviceOutOfMemoryException(bytes, inUse, "test device: budget " + budgetBytes + " bytes, "
                    + (allocationsLeft == 0 ? "no allocation left" : inUse + " in use"));
        }
        if (allocationsLeft != Integer.MAX_VALUE) {
            allocationsLeft--;
        }
        inUse += bytes;
        peak = Math.max(peak, inUse);
        live++;
        return new CpuTensor(new float[n], () -> {
            synchronized (this) {
                inUse -= bytes;
                live--;
            }
        });
    }

    public synchronized long bytesInUse() {
        return inUse;
    }

    public synchronized long peakBytes() {
        return peak;
    }

    /** Tensors allocated and not yet closed. */
    public synchronized int liveTensors() {
        return live;
    }

    public synchronized int refusals() {
        return refusals;
    }

    @Override
    public void matmul(Tensor out, Tensor x, Weight w, Tensor bias, int rows) {
        math.matmul(out, x, w, bias, rows);
    }

    @Override
    public void batchedAttention(Tensor out, Tensor q, Tensor k, Tensor v, BatchLayout layout, int heads,
                                 int kvHeads, int headDim) {
        math.batchedAttention(out, q, k, v, layout, heads, kvHeads, headDim);
    }
}
