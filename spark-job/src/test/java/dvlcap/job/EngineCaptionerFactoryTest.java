package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.BackendRequest;
import org.junit.jupiter.api.Test;

class EngineCaptionerFactoryTest {

    @Test
    void autoBackendMeansCudaOnlyWhenSparkAssignedAGpu() {
        assertEquals("cuda", EngineCaptionerFactory.request(BackendRequest.of("auto"), "0", null).name());
        assertEquals(BackendRequest.of("auto"), EngineCaptionerFactory.request(BackendRequest.of("auto"), null, null));
        assertEquals(BackendRequest.of("cpu"), EngineCaptionerFactory.request(BackendRequest.of("cpu"), "1", null),
                "a CPU run ignores the GPU Spark assigned");
    }

    @Test
    void sparkGpuAddressBecomesTheRequestsDeviceOrdinal() {
        assertEquals(BackendRequest.of("cuda").onDevice(3), EngineCaptionerFactory.request(BackendRequest.of("auto"), "3", null));
        assertEquals(BackendRequest.of("cuda").onDevice(1), EngineCaptionerFactory.request(BackendRequest.of("cuda"), "3", "2,3"));
    }

    /** Tasks on different GPUs of one executor JVM get their own requests; no system property carries the device. */
    @Test
    void twoTasksOnDifferentGpusGetIndependentRequests() {
        BackendRequest a = EngineCaptionerFactory.request(BackendRequest.of("auto"), "0", null);
        BackendRequest b = EngineCaptionerFactory.request(BackendRequest.of("auto"), "1", null);
        assertEquals(0, a.cudaDevice());
        assertEquals(1, b.cudaDevice());
        assertNull(System.getProperty("dvlcap.cuda.device"));
    }

    @Test
    void nonNumericGpuAddressIsRejectedWithTheAddress() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineCaptionerFactory.request(BackendRequest.of("auto"), "gpu-a", null));
        assertTrue(e.getMessage().contains("gpu-a"), e.getMessage());
    }

    @Test
    void gpuAddressIsTranslatedThroughVisibleDevices() {
        assertEquals("3", EngineCaptionerFactory.ordinal("3", null));
        assertEquals("1", EngineCaptionerFactory.ordinal("3", "2,3"));
        assertEquals("0", EngineCaptionerFactory.ordinal("0", "5"), "container numbering kept");
    }
}
