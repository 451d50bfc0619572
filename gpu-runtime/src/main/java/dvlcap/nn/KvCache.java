package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;

/**
 * The keys and values of one sequence, per layer, {@code capacity} positions of {@code kvDim}.
 * Positions below {@link #committed()} hold clean tokens; a forward may write tentative rows
 * above it (a block being denoised), which the next forward overwrites. Owns backend memory:
 * close it when the sequence ends.
 */
public final class KvCache implements AutoCloseable {
    private final Tensor[] keys;
    private final Tensor[] values;
    private final int capacity;
    private int committed;

    public KvCache(Backend backend, int layers, int capacity, int kvDim) {
        this.capacity = capacity;
        keys = new Tensor[layers];
        values = new Tensor[layers];
        try {
            for (int l = 0; l < layers; l++) {
                keys[l] = backend.allocate(capacity * kvDim);
                values[l] = backend.allocate(capacity * kvDim);
            }
        } catch (RuntimeException e) {
            close(); // a device that runs out part-way keeps nothing of this cache
            throw e;
        }
    }

    /** Floats a cache of this shape holds, for budgeting. */
    public static long floats(int layers, int capacity, int kvDim) {
        return 2L * layers * capacity * kvDim;
    }

    Tensor keys(int layer) {
        return keys[layer];
    }

    Tensor values(int layer) {
        return values[layer];
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

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                keys[l].close();
            }
            if (values[l] != null) {
                values[l].close();
            }
        }
    }
}
