package dvlcap.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as its checkpoint holds it: dtype, shape, and the elements either as a float32 array
 * on the heap or as read-only little-endian buffers (memory-mapped from the file) that a backend
 * can compute on without converting. The buffers hold whole rows (a row is one index of the first
 * dimension): buffer {@code i} holds rows {@code [i * rowsPerChunk, (i + 1) * rowsPerChunk)}, so a
 * tensor over the 2 GiB a {@link ByteBuffer} can address is split into several.
 */
public final class StoredTensor {
    private final DType dtype;
    private final long[] shape;
    private final long rowElements;
    private final float[] floats;
    private final ByteBuffer[] chunks;
    private final long rowsPerChunk;

    private StoredTensor(DType dtype, long[] shape, float[] floats, ByteBuffer[] chunks, long rowsPerChunk) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long rows = rows(shape);
        this.rowElements = rows == 0 ? 0 : Shapes.numel(shape) / rows;
        this.floats = floats;
        this.chunks = chunks;
        this.rowsPerChunk = rowsPerChunk;
    }

    /** A float32 tensor on the heap; the array is kept, not copied. */
    public static StoredTensor ofFloats(float[] data, long... shape) {
        if (Shapes.numel(shape) != data.length) {
            throw new IllegalArgumentException(data.length + " values do not fill shape " + Arrays.toString(shape));
        }
        return new StoredTensor(DType.F32, shape, data, null, 0);
    }

    /**
     * {@code data} rounded to bf16 (nearest, ties to even) as a {@code rows x cols} tensor in one
     * direct buffer, as a mapped bf16 checkpoint holds it: for benchmarks and the kernel warm-up.
     */
    public static StoredTensor ofBf16(float[] data, int rows, int cols) {
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(rows, cols), Short.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            buf.putShort(HalfFloats.floatToBf16(data[i]));
        }
        return ofBuffers(DType.BF16, new long[] {rows, cols}, new ByteBuffer[] {buf.flip()}, rows);
    }

    /**
     * A tensor held in buffers of whole rows, {@code rowsPerChunk} rows each (the last may hold
     * fewer). Each buffer's elements run from its index 0 to its limit; the buffers are not copied.
     */
    public static StoredTensor ofBuffers(DType dtype, long[] shape, ByteBuffer[] chunks, long rowsPerChunk) {
        if (!dtype.supported()) {
            throw new IllegalArgumentException("dtype " + dtype + " is not supported");
        }
        long rows = rows(shape);
        long rowBytes = (rows == 0 ? 0 : Shapes.numel(shape) / rows) * dtype.size();
        long expectedChunks = rows == 0 ? 0 : (rows + rowsPerChunk - 1) / Math.max(1, rowsPerChunk);
        if (rowsPerChunk < 1 || chunks.length != expectedChunks) {
            throw new IllegalArgumentException(chunks.length + " buffers of " + rowsPerChunk + " rows do not hold "
                    + rows + " rows");
        }
        for (int i = 0; i < chunks.length; i++) {
            long rowsHere = Math.min(rowsPerChunk, rows - i * rowsPerChunk);
            if (chunks[i].limit() != rowsHere * rowBytes) {
                throw new IllegalArgumentException("buffer " + i + " holds " + chunks[i].limit() + " bytes, its "
                        + rowsHere + " rows of " + dtype + Arrays.toString(shape) + " need " + rowsHere * rowBytes);
            }
        }
        ByteBuffer[] views = new ByteBuffer[chunks.length];
        for (int i = 0; i < views.length; i++) {
            views[i] = chunks[i].duplicate().order(ByteOrder.LITTLE_ENDIAN); // duplicate() resets the order
        }
        return new StoredTensor(dtype, shape, null, views, rowsPerChunk);
    }

    /** Rows of a shape: its first dimension; a scalar is one row. */
    private static long rows(long[] shape) {
        return shape.length == 0 ? 1 : shape[0];
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return Shapes.numel(shape);
    }

    /** Elements per row (the product of all dimensions but the first). */
    public long rowElements() {
        return rowElements;
    }

    /** Whether the elements are a float32 array on the heap ({@link #heapFloats()}) rather than buffers. */
    public boolean onHeap() {
        return floats != null;
    }

    /** The float32 array itself (not a copy); only when {@link #onHeap()}. */
    public float[] heapFloats() {
        if (floats == null) {
            throw new IllegalStateException("a " + dtype + " tensor held in buffers has no float array");
        }
        return floats;
    }

    /** Buffers holding the elements; 0 when {@link #onHeap()}. */
    public int chunkCount() {
        return chunks == null ? 0 : chunks.length;
    }

    /** Rows per buffer (the last buffer may hold fewer). */
    public long rowsPerChunk() {
        return rowsPerChunk;
    }

    /** Buffer {@code i}: an independent little-endian view (own position and limit) of the same memory. */
    public ByteBuffer chunk(int i) {
        return chunks[i].duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Rows {@code [first, first + count)} as a tensor of the same dtype (e.g. q, k and v of a fused
     * qkv matrix). Within one buffer it is a view of the same memory; rows spanning two buffers
     * (only tensors over 1 GiB) are copied into one direct buffer, still in the stored dtype; a
     * heap tensor's rows are copied.
     */
    public StoredTensor rows(long first, long count) {
        long rows = shape.length == 0 ? 1 : shape[0];
        if (shape.length == 0 || first < 0 || count < 0 || first + count > rows) {
            throw new IndexOutOfBoundsException("rows [" + first + ", " + (first + count) + ") of " + this);
        }
        long[] sub = shape.clone();
        sub[0] = count;
        if (floats != null) {
            return ofFloats(Arrays.copyOfRange(floats, (int) (first * rowElements), (int) ((first + count) * rowElements)),
                    sub);
        }
        if (count == 0) {
            return ofBuffers(dtype, sub, new ByteBuffer[0], 1);
        }
        int rowBytes = (int) (rowElements * dtype.size());
        int c = (int) (first / rowsPerChunk);
        long last = first + count - 1;
        ByteBuffer view;
        if (last / rowsPerChunk == c) {
            int at = (int) (first - c * rowsPerChunk) * rowBytes;
            view = chunks[c].duplicate().position(at).limit(at + (int) count * rowBytes).slice();
        } else {
            view = ByteBuffer.allocateDirect(Math.toIntExact(count * rowBytes));
            for (long r = first; r <= last; r++) {
                int rc = (int) (r / rowsPerChunk);
                int at = (int) (r - rc * rowsPerChunk) * rowBytes;
                view.put(chunks[rc].duplicate().position(at).limit(at + rowBytes));
            }
            view.flip();
        }
        return ofBuffers(dtype, sub, new ByteBuffer[] {view}, count);
    }

    /**
     * Copies elements {@code [from, from + n)} (row-major) into {@code dst[dstOff..]}, widened to
     * float32 exactly.
     */
    public void read(long from, float[] dst, int dstOff, int n) {
        if (from < 0 || n < 0 || from + n > numel()) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + (from + n) + ") of " + numel());
        }
        if (floats != null) {
            System.arraycopy(floats, (int) from, dst, dstOff, n);
            return;
        }
        long chunkElements = rowsPerChunk * rowElements;
        int es = dtype.size();
        while (n > 0) {
            int c = (int) (from / chunkElements);
            int at = (int) (from - c * chunkElements);
            ByteBuffer b = chunks[c];
            int len = (int) Math.min(n, b.limit() / es - at);
            switch (dtype) {
                case F32 -> b.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(at * es).asFloatBuffer()
                        .get(dst, dstOff, len);
                case BF16 -> {
                    for (int i = 0; i < len; i++) {
                        dst[dstOff + i] = HalfFloats.bf16ToFloat(b.getShort((at + i) * 2));
                    }
                }
                case F16 -> {
                    for (int i = 0; i < len; i++) {
                        dst[dstOff + i] = HalfFloats.f16ToFloat(b.getShort((at + i) * 2));
                    }
                }
                default -> throw new IllegalStateException(dtype + " passed validation");
            }
            from += len;
            dstOff += len;
            n -= len;
        }
    }

    /** Every element widened to float32, in a new array (or the heap array itself). */
    public float[] toFloats() {
        if (floats != null) {
            return floats;
        }
        long n = numel();
        if (n > Shapes.MAX_ARRAY) {
            throw new IllegalStateException(dtype + Arrays.toString(shape) + " has " + n
                    + " elements, more than a Java float[] holds");
        }
        float[] out = new float[(int) n];
        read(0, out, 0, out.length);
        return out;
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape) + (floats != null ? " on the heap" : " in " + chunks.length + " buffer(s)");
    }
}
