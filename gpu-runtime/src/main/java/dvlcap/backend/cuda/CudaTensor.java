package dvlcap.backend.cuda;

import dvlcap.backend.Tensor;
import jcuda.driver.CUdeviceptr;

/** A float32 buffer in device memory; owns its {@link DeviceBuffer}, freed by {@link #close}. */
public final class CudaTensor implements Tensor {
    private final DeviceBuffer<CUdeviceptr> buffer;
    private final int size;

    CudaTensor(DeviceBuffer<CUdeviceptr> buffer, int size) {
        this.buffer = buffer;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    /** The device address of element {@code offset}; fails after close. */
    CUdeviceptr at(long offset) {
        return buffer.block().withByteOffset(offset * Float.BYTES);
    }

    DeviceBuffer<CUdeviceptr> buffer() {
        return buffer;
    }

    @Override
    public void close() {
        buffer.close();
    }
}
