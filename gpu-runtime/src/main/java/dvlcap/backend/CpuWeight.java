package dvlcap.backend;

import dvlcap.model.DType;
import dvlcap.model.HalfFloats;
import dvlcap.model.StoredTensor;

import java.nio.ByteBuffer;

/**
 * The {@link Weight} of the CPU backends: a float32 matrix on the heap, or a bf16/f16 matrix left
 * where its checkpoint stores it (memory-mapped buffers, whole rows per buffer), which the kernels
 * widen to float32 as they read it. A 16-bit weight is never copied to the heap, so a bf16 model
 * costs its file size in (shared, reclaimable) page cache instead of twice that in heap.
 */
public final class CpuWeight implements Weight {
    private final int rows;
    private final int cols;
    /** The float32 elements, or null for a 16-bit weight. */
    private final float[] data;
    /** Whether a 16-bit weight is bf16 (else IEEE f16). */
    private final boolean bf16;
    private final ByteBuffer[] chunks;
    private final int rowsPerChunk;
    /** A 16-bit weight's bits on the heap in panels of 8 rows ({@link HalfMatmul#pack}), or null. */
    private volatile int[] panels;
    /** Where the heap for {@link #panels} comes from, until the first matmul asks; null: stay mapped. */
    private HeapWeightAllowance allowance;

    public CpuWeight(float[] data, int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("weight " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
        this.bf16 = false;
        this.chunks = null;
        this.rowsPerChunk = 0;
    }

    private CpuWeight(StoredTensor t, int rows, int cols, int rowsPerChunk) {
        this.rows = rows;
        this.cols = cols;
        this.data = null;
        this.bf16 = t.dtype() == DType.BF16;
        this.chunks = new ByteBuffer[t.chunkCount()];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = t.chunk(i);
        }
        this.rowsPerChunk = rowsPerChunk;
    }

    /** {@code mapped}'s 16-bit weight with its bits also on the heap in panels (its buffers kept for {@link #readRow}). */
    private CpuWeight(CpuWeight mapped, int[] panels) {
        this.rows = mapped.rows;
        this.cols = mapped.cols;
        this.data = null;
        this.bf16 = mapped.bf16;
        this.chunks = mapped.chunks;
        this.rowsPerChunk = mapped.rowsPerChunk;
        this.panels = panels;
    }

    /**
     * This 16-bit weight with its bits copied onto the heap in {@link HalfMatmul#pack}'s panels,
     * which the tiles then read instead of staging blocks of the buffers.
     */
    CpuWeight packed() {
        if (data != null || !HalfMatmul.packable(rows, cols)) {
            throw new IllegalStateException("only a 16-bit weight of whole panels can be packed, not " + rows + "x" + cols
                    + (data != null ? " float32" : ""));
        }
        return panels != null ? this : new CpuWeight(this, HalfMatmul.pack(this));
    }

    /**
     * Lets this 16-bit weight be packed onto the heap out of {@code allowance} the first time a
     * matmul reads it ({@link #packIfAllowed}): weights only gathered from (an untied embedding
     * table) never take heap, and loading a model stays a mapping.
     */
    void allowPacking(HeapWeightAllowance allowance) {
        if (data == null && HalfMatmul.packable(rows, cols)) {
            this.allowance = allowance;
            allowance.offer(bytes());
        }
    }

    /** Packs this weight in place if it was allowed to and the allowance still has room; once per weight. */
    void packIfAllowed() {
        if (panels == null && allowance != null) {
            synchronized (this) {
                if (panels == null && allowance != null) {
                    if (allowance.take(bytes(), toString())) {
                        panels = HalfMatmul.pack(this);
                    }
                    allowance = null;
                }
            }
        }
    }

    @Override
    public String toString() {
        return (data != null ? "F32" : bf16 ? "BF16" : "F16") + " weight " + rows + "x" + cols;
    }

    /** Bytes of the elements as held: 4 per float32 weight, 2 per 16-bit one. */
    @Override
    public long bytes() {
        return (long) rows * cols * (data != null ? Float.BYTES : Short.BYTES);
    }

    /**
     * A {@code rows x cols} weight over a stored tensor of {@code rows * cols} elements: float32
     * ends up on the heap (the heap array itself when the tensor is one), bf16 and f16 stay in the
     * tensor's buffers.
     */
    static CpuWeight of(StoredTensor t, int rows, int cols) {
        if (rows < 0 || cols < 0 || t.numel() != (long) rows * cols) {
            throw new IllegalArgumentException("weight " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, the tensor " + t + " has " + t.numel());
        }
        switch (t.dtype()) {
            case F32 -> {
                return new CpuWeight(t.onHeap() ? t.heapFloats() : t.toFloats(), rows, cols);
            }
            case BF16, F16 -> {
                // Buffers hold whole stored rows; the kernels need whole matrix rows per buffer.
                long perChunk = t.rowsPerChunk() * t.rowElements();
                if (cols == 0 || perChunk % cols != 0) {
                    throw new IllegalArgumentException("the tensor " + t + " is not split at rows of " + cols);
                }
                return new CpuWeight(t, rows, cols, (int) Math.min(Integer.MAX_VALUE, perChunk / cols));
            }
            default -> throw new IllegalArgumentException("the CPU kernels have no " + t.dtype() + " weights");
        }
    }

    static CpuWeight of(Weight w) {
        if (w instanceof CpuWeight c) {
            return c;
        }
        throw new IllegalArgumentException("not a CPU weight: " + w.getClass().getName());
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** Whether the elements are a float32 array ({@link #data()}), else 16-bit buffers. */
    boolean onHeap() {
        return data != null;
    }

    /** The float32 elements, row-major; only when {@link #onHeap()}. */
    float[] data() {
        if (data == null) {
            throw new IllegalStateException("a " + (bf16 ? "bf16" : "f16") + " weight has no float array");
        }
        return data;
    }

    /** Whether a 16-bit weight is bf16 (else f16). */
    boolean bf16() {
        return bf16;
    }

    /** The heap panels of a 16-bit weight, or null when it is read from its buffers. */
    int[] panels() {
        return panels;
    }

    /** Rows per buffer of a 16-bit weight (the last buffer may hold fewer). */
    int rowsPerChunk() {
        return rowsPerChunk;
    }

    /** The buffer holding row {@code row} of a 16-bit weight; row {@code r} starts at byte {@code (r % rowsPerChunk) * cols * 2}. */
    ByteBuffer chunkOf(int row) {
        return chunks[row / rowsPerChunk];
    }

    /** Row {@code row} widened to float32 into {@code dst[off..]}, element by element (the reference widening). */
    void readRow(int row, float[] dst, int off) {
        if (data != null) {
            System.arraycopy(data, row * cols, dst, off, cols);
            return;
        }
        ByteBuffer b = chunkOf(row);
        int at = (row % rowsPerChunk) * cols * 2;
        for (int i = 0; i < cols; i++) {
            short h = b.getShort(at + 2 * i);
            dst[off + i] = bf16 ? HalfFloats.bf16ToFloat(h) : HalfFloats.f16ToFloat(h);
        }
    }

    @Override
    public void close() {
        // heap arrays and mappings are released by the garbage collector
    }
}
