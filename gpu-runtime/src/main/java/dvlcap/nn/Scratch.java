package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;

/**
 * Reusable work buffers of one model, grown on demand, so that a decode step allocates nothing
 * once the batch shape has been seen (device allocations are slow).
 */
final class Scratch implements AutoCloseable {
    private final Backend backend;
    private final Tensor[] slots;

    Scratch(Backend backend, int count) {
        this.backend = backend;
        this.slots = new Tensor[count];
    }

    /** Buffer {@code slot} with room for at least {@code n} floats; contents are undefined. */
    Tensor get(int slot, int n) {
        Tensor t = slots[slot];
        if (t == null || t.size() < n) {
            int size = t == null ? n : Math.max(n, t.size() + t.size() / 2); // grow by half again
            if (t != null) {
                t.close();
                slots[slot] = null; // if the allocation below runs out of memory, nothing closed is kept
            }
            t = backend.allocate(size);
            slots[slot] = t;
        }
        return t;
    }

    @Override
    public void close() {
        for (Tensor t : slots) {
            if (t != null) {
                t.close();
            }
        }
    }
}
