package dvlcap.backend;

/** A host float array, the {@link Tensor} of the CPU backends. */
public final class CpuTensor implements Tensor {
    final float[] data;
    /** Run once on the first close: lets an accounting backend (a test's fake device) see releases. */
    private Runnable onClose;

    CpuTensor(float[] data) {
        this(data, null);
    }

    CpuTensor(float[] data, Runnable onClose) {
        this.data = data;
        this.onClose = onClose;
    }

    @Override
    public int size() {
        return data.length;
    }

    /** The array behind a CPU tensor; fails for tensors of other backends. */
    static float[] of(Tensor t) {
        if (t == null) {
            return null;
        }
        if (t instanceof CpuTensor c) {
            return c.data;
        }
        throw new IllegalArgumentException("not a CPU tensor: " + t.getClass().getName());
    }

    @Override
    public void close() {
        // heap memory: released by the garbage collector
        Runnable r = onClose;
        onClose = null;
        if (r != null) {
            r.run();
        }
    }
}
