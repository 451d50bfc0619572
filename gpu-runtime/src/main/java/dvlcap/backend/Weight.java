package dvlcap.backend;

/**
 * A read-only weight matrix of {@code rows x cols} (Hugging Face Linear layout: rows = output
 * features, cols = input features), stored in whatever format its backend prefers (on the CPU
 * float32 on the heap or bf16/f16 as the checkpoint maps it, bf16 on the GPU). Closing releases it.
 */
public interface Weight extends AutoCloseable {
    int rows();

    int cols();

    /** Bytes of the elements where the backend keeps them: what a matmul with this weight reads. */
    long bytes();

    @Override
    void close();
}
