package dvlcap.backend.cuda;

import dvlcap.backend.DeviceOutOfMemoryException;
import jcuda.driver.CUresult;

/** Turns CUresult codes into exceptions: out-of-memory into the recoverable typed one. */
final class CudaCheck {
    private CudaCheck() {
    }

    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw failure(result, call, -1, -1);
        }
    }

    /** For allocations: says how much was asked for and how much this backend held. */
    static void checkAlloc(int result, String call, long requested, long inUse) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw failure(result, call, requested, inUse);
        }
    }

    static RuntimeException failure(int result, String call, long requested, long inUse) {
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            return new DeviceOutOfMemoryException(requested, inUse, call + ": CUDA_ERROR_OUT_OF_MEMORY");
        }
        return new CudaCallException(call, result, CUresult.stringFor(result));
    }
}
