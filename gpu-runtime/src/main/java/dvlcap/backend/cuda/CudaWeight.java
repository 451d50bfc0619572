package dvlcap.backend.cuda;

import dvlcap.backend.Weight;
import jcuda.driver.CUdeviceptr;

/** A {@code rows x cols} weight matrix in device memory as bf16 (row-major); owns its buffer. */
public final class CudaWeight implements Weight {
    private final DeviceBuffer<CUdeviceptr> buffer;
    private final int rows;
    private final int cols;

    CudaWeight(DeviceBuffer<CUdeviceptr> buffer, int rows, int cols) {
        this.buffer = buffer;
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** Two per element: device weights are bf16. */
    @Override
    public long bytes() {
        return (long) rows * cols * 2;
    }

    CUdeviceptr pointer() {
        return buffer.block();
    }

    DeviceBuffer<CUdeviceptr> buffer() {
        return buffer;
    }

    @Override
    public void close() {
        buffer.close();
    }
}
