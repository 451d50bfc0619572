package dvlcap.backend;

/** A float32 weight matrix on the heap, the {@link Weight} of the CPU backends. */
public record CpuWeight(float[] data, int rows, int cols) implements Weight {
    public CpuWeight {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("weight " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
    }

    static CpuWeight of(Weight w) {
        if (w instanceof CpuWeight c) {
            return c;
        }
        throw new IllegalArgumentException("not a CPU weight: " + w.getClass().getName());
    }

    @Override
    public void close() {
    }
}
