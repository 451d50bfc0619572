package dvlcap.backend;

/**
 * A device allocation failed for lack of memory (CUDA_ERROR_OUT_OF_MEMORY, or the allocator's own
 * limit). Recoverable: the caller can free memory or shrink its batch and retry (see
 * {@code dvlcap.decode.BatchShrinkPolicy}); nothing allocated before the failure is lost.
 */
public final class DeviceOutOfMemoryException extends RuntimeException {
    private final long requestedBytes;
    private final long bytesInUse;

    public DeviceOutOfMemoryException(long requestedBytes, long bytesInUse, String detail) {
        super("device out of memory: " + requestedBytes + " bytes requested with " + bytesInUse
                + " bytes in use by this backend (" + detail + ")");
        this.requestedBytes = requestedBytes;
        this.bytesInUse = bytesInUse;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    /** Bytes this backend held when the allocation failed (-1 when the driver alone knew). */
    public long bytesInUse() {
        return bytesInUse;
    }
}
