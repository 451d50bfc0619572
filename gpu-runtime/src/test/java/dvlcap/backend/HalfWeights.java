package dvlcap.backend;

import dvlcap.model.DType;
import dvlcap.model.HalfFloats;
import dvlcap.model.StoredTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** 16-bit weights for the backend tests, built in direct buffers as a mapped file would hold them. */
final class HalfWeights {
    private HalfWeights() {
    }

    /** {@code values} rounded to {@code dtype}, as a {@code rows x cols} tensor in buffers of {@code rowsPerChunk} rows. */
    static StoredTensor stored(DType dtype, float[] values, int rows, int cols, int rowsPerChunk) {
        int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        ByteBuffer[] bufs = new ByteBuffer[chunks];
        for (int c = 0; c < chunks; c++) {
            int first = c * rowsPerChunk, n = Math.min(rowsPerChunk, rows - first);
            // big-endian on purpose: the tensor must read its buffers as little-endian whatever their order
            ByteBuffer b = ByteBuffer.allocateDirect(n * cols * dtype.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n * cols; i++) {
                float v = values[first * cols + i];
                switch (dtype) {
                    case BF16 -> b.putShort(HalfFloats.floatToBf16(v));
                    case F16 -> b.putShort(HalfFloats.floatToF16(v));
                    case F32 -> b.putFloat(v);
                    default -> throw new IllegalArgumentException(dtype.toString());
                }
            }
            bufs[c] = b.flip().order(ByteOrder.BIG_ENDIAN);
        }
        return StoredTensor.ofBuffers(dtype, new long[] {rows, cols}, bufs, rowsPerChunk);
    }

    /** What a 16-bit weight holds once widened: each value rounded to {@code dtype} and back, exactly. */
    static float[] rounded(DType dtype, float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = switch (dtype) {
                case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(values[i]));
                case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(values[i]));
                default -> values[i];
            };
        }
        return out;
    }
}
