package dvlcap.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import dvlcap.backend.BatchLayout;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The batch layout the batched kernels read, on the device. A forward passes the same layout to the
 * KV write and the attention of every layer, so it is uploaded once, when a different layout comes
 * (by identity: a {@link BatchLayout} does not change). The buffer is reused; stream order makes
 * the next upload wait for the kernels still reading the last one.
 */
final class DeviceBatchLayout implements AutoCloseable {
    private final DeviceAllocator<CUdeviceptr> allocator;
    private DeviceBuffer<CUdeviceptr> buffer;
    private BatchLayout current;
    private PackedLayout packed;

    DeviceBatchLayout(DeviceAllocator<CUdeviceptr> allocator) {
        this.allocator = allocator;
    }

    /** Makes {@code layout} the one on the device (the context must be current) and returns its packed form. */
    PackedLayout upload(BatchLayout layout) {
        if (layout == current) {
            return packed;
        }
        PackedLayout p = PackedLayout.of(layout);
        long bytes = (long) p.ints().length * Integer.BYTES;
        current = null; // until the copy below has succeeded
        if (buffer == null || buffer.bytes() < bytes) {
            if (buffer != null) {
                buffer.close();
                buffer = null;
            }
            buffer = allocator.allocate(Math.max(bytes * 3 / 2, 4096), "batch layout");
        }
        if (bytes > 0) {
            CudaCheck.check(cuMemcpyHtoD(buffer.block(), Pointer.to(p.ints()), bytes), "cuMemcpyHtoD(batch layout)");
        }
        current = layout;
        packed = p;
        return p;
    }

    /** The per-sequence records. */
    CUdeviceptr sequences() {
        return buffer.block();
    }

    /** The sequence of each query row. */
    CUdeviceptr sequenceOfQuery() {
        return buffer.block().withByteOffset((long) packed.seqOfOffset() * Integer.BYTES);
    }

    /** The page tables. */
    CUdeviceptr pages() {
        return buffer.block().withByteOffset((long) packed.pagesOffset() * Integer.BYTES);
    }

    @Override
    public void close() {
        current = null;
        packed = null;
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }
}
