package dvlcap.backend.cuda;

/**
 * One block of device memory owned by whoever holds this object. {@link #close} returns it to its
 * {@link DeviceAllocator}; closing twice is harmless, using it after close is an
 * {@link IllegalStateException}.
 */
public final class DeviceBuffer<P> implements AutoCloseable {
    private final DeviceAllocator<P> allocator;
    private final P block;
    private final long bytes;
    private final String what;
    private boolean released;

    DeviceBuffer(DeviceAllocator<P> allocator, P block, long bytes, String what) {
        this.allocator = allocator;
        this.block = block;
        this.bytes = bytes;
        this.what = what;
    }

    /** The device block; fails once the buffer is closed. */
    public P block() {
        synchronized (allocator) {
            if (released) {
                throw new IllegalStateException("device buffer '" + what + "' (" + bytes + " bytes) used after close");
            }
            return block;
        }
    }

    public long bytes() {
        return bytes;
    }

    /** What the buffer holds, for leak reports. */
    public String what() {
        return what;
    }

    public boolean isClosed() {
        synchronized (allocator) {
            return released;
        }
    }

    DeviceAllocator<P> allocator() {
        return allocator;
    }

    /** Marks the buffer released; true the first time only. Called under the allocator's lock. */
    boolean markReleased() {
        if (released) {
            return false;
        }
        released = true;
        return true;
    }

    P rawBlock() {
        return block;
    }

    @Override
    public void close() {
        allocator.release(this);
    }

    @Override
    public String toString() {
        return what + " (" + bytes + " bytes)";
    }
}
