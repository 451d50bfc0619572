package dvlcap.backend.cuda;

import dvlcap.backend.DeviceOutOfMemoryException;

/**
 * Raw device memory, below the accounting of {@link DeviceAllocator}: the CUDA driver in
 * production ({@link DriverMemory}), a fake in tests. {@code P} is the handle of one block.
 */
public interface DeviceMemory<P> {
    /**
     * A new block of {@code bytes}.
     *
     * @throws DeviceOutOfMemoryException when the device has no room
     */
    P allocate(long bytes);

    /** Releases a block returned by {@link #allocate}; called exactly once per block. */
    void free(P block);
}
