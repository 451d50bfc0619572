package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import dvlcap.backend.Backends;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How the backend declines: with a reason, never an exception, and {@code auto} then runs on the
 * CPU. The tests that need "no GPU here" are skipped on a machine that has one.
 */
class CudaAvailabilityTest {

    @Test
    void missingKernelsAreReportedBeforeTouchingTheDriver() {
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(why::append, Optional::empty,
                DeviceSelection.from(BackendRequest.of("cuda"), Map.of()), Long.MAX_VALUE);
        assertTrue(b.isEmpty());
        assertTrue(why.toString().startsWith("kernels missing (built without nvcc)"), why.toString());
    }

    @Test
    void tryCreateNeverThrowsAndGivesAReasonWhenItDeclines() {
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(why::append);
        try {
            assertEquals(b.isEmpty(), why.length() > 0, "a reason exactly when it declines: " + why);
        } finally {
            b.ifPresent(Backend::close);
        }
    }

    @Test
    void cudaByNameFailsWithTheReasonWhereThereIsNoGpu() {
        String reason = CudaTestSupport.unavailableReason();
        assumeTrue(reason != null, "a CUDA device is present");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("cuda"));
        assertTrue(e.getMessage().contains("backend 'cuda' requested but unavailable"), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage() + " should say " + reason);
    }

    @Test
    void autoFallsBackToTheCpuWhereThereIsNoGpu() {
        assumeTrue(CudaTestSupport.unavailableReason() != null, "a CUDA device is present");
        try (Backend b = Backends.create("auto")) {
            assertTrue(b.name().startsWith("cpu"), b.name());
        }
    }

    @Test
    void reasonHereNamesTheMissingDriver() {
        String reason = CudaTestSupport.unavailableReason();
        assumeTrue(reason != null, "a CUDA device is present");
        // on a machine without the NVIDIA driver the binding cannot load libcuda.so.1;
        // with a driver but no device, cuInit or the device count says so
        assertTrue(reason.contains("libcuda.so.1") || reason.contains("cuInit") || reason.contains("no CUDA device")
                || reason.contains("kernels missing"), reason);
        assertFalse(reason.isBlank());
    }

    @Test
    void declinedTwiceGivesTheSameReason() {
        String first = CudaTestSupport.unavailableReason();
        assumeTrue(first != null, "a CUDA device is present");
        StringBuilder again = new StringBuilder();
        assertTrue(CudaBackend.tryCreate(again::append).isEmpty());
        assertEquals(first, again.toString(), "the driver probe is cached, not degraded to NoClassDefFoundError");
    }

    @Test
    void linkFailureDetailPicksTheDynamicLinkersComplaint() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver\"\n"
                + "Operating system name: Linux\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file: "
                + "No such file or directory\n\tat somewhere");
        assertEquals("/tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file: No such file or directory",
                CudaContext.linkFailureDetail(e));
        assertEquals("UnsatisfiedLinkError: first line", CudaContext.linkFailureDetail(
                new UnsatisfiedLinkError("first line\nsecond")));
    }
}
