package dvlcap.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import jcuda.driver.CUdeviceptr;

/**
 * Device memory from the CUDA driver ({@code cuMemAlloc}, 256-byte aligned). The owning
 * backend's context must be current on the calling thread.
 */
final class DriverMemory implements DeviceMemory<CUdeviceptr> {
    @Override
    public CUdeviceptr allocate(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        CudaCheck.checkAlloc(cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + ")", bytes, -1);
        return p;
    }

    @Override
    public void free(CUdeviceptr block) {
        CudaCheck.check(cuMemFree(block), "cuMemFree");
    }
}
