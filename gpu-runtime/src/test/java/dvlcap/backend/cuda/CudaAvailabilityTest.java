package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import dvlcap.backend.Backends;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How the backend declines: with a reason, never an exception, and {@code auto} then runs on the
 * CPU. Each test checks whichever side this host is on, so none is skipped on a GPU host either.
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

    /** Each host checks its own side (nothing is skipped): the backend where a GPU starts, the reason elsewhere. */
    @Test
    void cudaByNameGivesTheBackendOrFailsWithTheReason() {
        String reason = CudaTestSupport.unavailableReason();
        if (reason == null) {
            try (Backend b = Backends.create("cuda")) {
                assertEquals("cuda", b.name());
            }
            return;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("cuda"));
        assertTrue(e.getMessage().contains("backend 'cuda' requested but unavailable"), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage() + " should say " + reason);
    }

    @Test
    void autoTakesTheGpuWhereItStartsAndTheCpuElsewhere() {
        String reason = CudaTestSupport.unavailableReason();
        try (Backend b = Backends.create("auto")) {
            if (reason == null) {
                assertEquals("cuda", b.name());
            } else {
                assertTrue(b.name().startsWith("cpu"), b.name());
            }
        }
    }

    @Test
    void theReasonNamesTheMissingDriverOrDevice() {
        String reason = CudaTestSupport.unavailableReason();
        if (reason == null) {
            return; // a GPU here: nothing declined (tryCreateNeverThrows... checks the pairing)
        }
        // on a machine without the NVIDIA driver the binding cannot load libcuda.so.1;
        // with a driver but no device, cuInit or the device count says so
        assertTrue(reason.contains("libcuda.so.1") || reason.contains("cuInit") || reason.contains("no CUDA device")
                || reason.contains("kernels missing"), reason);
        assertFalse(reason.isBlank());
    }

    /** Declining is cached (same reason again); starting works again after a close (a fresh context). */
    @Test
    void aSecondAttemptDeclinesTheSameWayOrStartsAgain() {
        String first = CudaTestSupport.unavailableReason();
        StringBuilder again = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(again::append);
        try {
            if (first == null) {
                assertTrue(b.isPresent(), "started once, then declined: " + again);
            } else {
                assertTrue(b.isEmpty());
                assertEquals(first, again.toString(), "the driver probe is cached, not degraded to NoClassDefFoundError");
            }
        } finally {
            b.ifPresent(Backend::close);
        }
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
