package dvlcap.model;

import java.util.Set;

/**
 * The tensors of a checkpoint, by Hugging Face name. Implementations validate headers when they
 * open and fail with a {@link ModelFileException} naming file and tensor; reads check shapes.
 */
public interface WeightSource extends AutoCloseable {

    Set<String> names();

    default boolean has(String name) {
        return names().contains(name);
    }

    /** The tensor's shape; throws {@link ModelFileException} when it is missing. */
    long[] shape(String name);

    /**
     * The tensor converted to float32, row-major. Throws {@link ModelFileException} naming the file
     * and tensor if it is missing or its shape differs from {@code expectedShape}.
     */
    float[] floats(String name, long... expectedShape);

    /**
     * The tensor in its stored dtype, for weights a backend may compute on as they are (sources
     * backed by files return memory-mapped buffers: no copy on the heap). Same checks as
     * {@link #floats}. The default wraps {@link #floats} as a float32 tensor.
     */
    default StoredTensor stored(String name, long... expectedShape) {
        return StoredTensor.ofFloats(floats(name, expectedShape), expectedShape);
    }

    @Override
    void close();
}
