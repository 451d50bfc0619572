package dvlcap.backend.cuda;

import dvlcap.backend.DeviceOutOfMemoryException;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/** The mapping of driver results to exceptions needs no GPU: CUresult is plain Java. */
class CudaCheckTest {

    @Test
    void outOfMemoryBecomesTheTypedRecoverableException() {
        RuntimeException e = CudaCheck.failure(CUresult.CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc(4096)", 4096, 1000);
        DeviceOutOfMemoryException oom = assertInstanceOf(DeviceOutOfMemoryException.class, e);
        assertEquals(4096, oom.requestedBytes());
        assertEquals(1000, oom.bytesInUse());
        assertTrue(oom.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), oom.getMessage());
    }

    @Test
    void otherErrorsNameTheCallAndTheError() {
        RuntimeException e = CudaCheck.failure(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, "cuMemcpyDtoH", -1, -1);
        CudaCallException c = assertInstanceOf(CudaCallException.class, e);
        assertEquals(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, c.result());
        assertTrue(c.getMessage().contains("cuMemcpyDtoH") && c.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS"),
                c.getMessage());
    }

    @Test
    void successPasses() {
        assertDoesNotThrow(() -> CudaCheck.check(CUresult.CUDA_SUCCESS, "anything"));
    }
}
