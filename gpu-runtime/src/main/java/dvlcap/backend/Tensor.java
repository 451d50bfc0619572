package dvlcap.backend;

/**
 * A float32 buffer owned by one {@link Backend}: host memory for the CPU backends, device
 * memory for CUDA. Only the backend that allocated it may read or write it; callers address
 * it by element offsets. Closing releases the memory; using it afterwards is an error.
 */
public interface Tensor extends AutoCloseable {
    /** Number of float elements. */
    int size();

    @Override
    void close();
}
