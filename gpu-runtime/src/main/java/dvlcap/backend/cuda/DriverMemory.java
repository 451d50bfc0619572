package dvlcap.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import jcuda.driver.CUdeviceptr;

/**
 * Device memory from the CUDA driver ({@code cuMemAlloc}, 256-byte aligned) in one context. Each
 * call makes that context current first, because tensors may be closed on any thread.
 */
final class DriverMemory implements DeviceMemory<CUdeviceptr> {
    private final CudaContext cuda;

    DriverMemory(CudaContext cuda) {
        this.cuda = cuda;
    }

    @Override
    public CUdeviceptr allocate(long bytes) {
        cuda.makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        CudaCheck.checkAlloc(cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + ")", bytes, -1);
        return p;
    }

    @Override
    public void free(CUdeviceptr block) {
        cuda.makeCurrent();
        CudaCheck.check(cuMemFree(block), "cuMemFree");
    }
}
