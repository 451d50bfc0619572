package dvlcap.job;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Results of a submitted image batch that may still be in the engine. Holds no Arrow memory. */
public interface PendingBatch {

    /**
     * Waits for every result and writes them, in the order of the image batch, into a new batch of
     * {@code ResultBatchSchema} allocated from {@code allocator}; the caller closes it.
     *
     * @throws CaptioningException if the engine failed (not a bad image: the task fails and Spark
     *         retries it)
     */
    VectorSchemaRoot await(BufferAllocator allocator);
}
