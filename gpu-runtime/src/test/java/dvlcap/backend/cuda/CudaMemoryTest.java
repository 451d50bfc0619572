package dvlcap.backend.cuda;

import dvlcap.backend.BackendRequest;
import dvlcap.backend.DeviceOutOfMemoryException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import org.junit.jupiter.api.Test;

/** Ownership of device memory on a real GPU (skipped with the reason where there is none). */
class CudaMemoryTest {

    @Test
    void tensorsAndWeightsAreAccountedAndFreedOnClose() {
        try (CudaBackend gpu = CudaTestSupport.backendOrSkip()) {
            long before = gpu.bytesInUse();
            Tensor t = gpu.allocate(1000);
            Weight w = gpu.weight(new float[64 * 32], 64, 32);
            assertEquals(before + 4000 + 64 * 32 * 2, gpu.bytesInUse());
            t.close();
            t.close(); // harmless
            w.close();
            assertEquals(before, gpu.bytesInUse());
            assertThrows(IllegalStateException.class, () -> gpu.read(t, 0, new float[1], 0, 1));
        }
    }

    @Test
    void closeFreesAndReportsWhatWasLeft() {
        CudaBackend gpu = CudaTestSupport.backendOrSkip();
        gpu.allocate(10);
        gpu.weight(new float[16], 2, 8);
        gpu.close();
        gpu.close();
        assertEquals(2, gpu.leakReport().buffers(), gpu.leakReport().toString());
        assertEquals(0, gpu.bytesInUse());
        assertThrows(IllegalStateException.class, () -> gpu.allocate(1));
    }

    @Test
    void allocationPastTheLimitIsATypedOutOfMemory() {
        try (CudaBackend gpu = CudaTestSupport.backendOrSkip(BackendRequest.of("cuda").withMemoryLimit(1 << 20))) {
            Tensor a = gpu.allocate(200_000);
            assertThrows(DeviceOutOfMemoryException.class, () -> gpu.allocate(100_000));
            a.close();
            gpu.allocate(100_000).close(); // recovered
        }
    }

    @Test
    void aRequestLargerThanTheDeviceIsATypedOutOfMemory() {
        try (CudaBackend gpu = CudaTestSupport.backendOrSkip()) {
            // 2^31 - 1 floats is 8 GiB: repeat until the card is full (at most 256 GiB)
            java.util.List<Tensor> held = new java.util.ArrayList<>();
            try {
                DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> {
                    for (int i = 0; i < 32; i++) {
                        held.add(gpu.allocate(Integer.MAX_VALUE));
                    }
                });
                assertTrue(e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), e.getMessage());
            } finally {
                held.forEach(Tensor::close);
            }
            gpu.allocate(1000).close(); // the context survives an out-of-memory
        }
    }
}
