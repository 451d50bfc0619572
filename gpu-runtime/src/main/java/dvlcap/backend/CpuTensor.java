package dvlcap.backend;

/** A host float array, the {@link Tensor} of the CPU backends. */
public final class CpuTensor implements Tensor {
    final float[] data;

    CpuTensor(float[] data) {
        this.data = data;
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
    }
}
