package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Start-up and shutdown around an opened context, with a stand-in context (no GPU needed): whatever
 * fails after the context opened releases it (context and module), exactly once.
 */
class CudaBackendStartupTest {
    private static final DeviceSelection DEFAULT = DeviceSelection.from(BackendRequest.of("cuda"), Map.of());

    @Test
    void aFailureAfterTheContextOpenedReleasesIt() {
        AtomicInteger released = new AtomicInteger();
        StringBuilder why = new StringBuilder();
        // the allocator refuses a limit of 0: the constructor throws after the context opened
        Optional<Backend> b = CudaBackend.tryCreate(why::append, () -> Optional.of(new byte[16]), DEFAULT, 0,
                (selection, fatbin) -> CudaContext.standIn("stand-in", released::incrementAndGet));
        assertTrue(b.isEmpty());
        assertTrue(why.toString().startsWith("CUDA backend failed to start:"), why.toString());
        assertTrue(why.toString().contains("limit must be positive"), why.toString());
        assertEquals(1, released.get(), "context and module released once");
    }

    @Test
    void anUnavailableDeviceIsAReasonAndNothingToRelease() {
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(why::append, () -> Optional.of(new byte[16]), DEFAULT,
                Long.MAX_VALUE, (selection, fatbin) -> {
                    throw new CudaContext.Unavailable("no CUDA device visible");
                });
        assertTrue(b.isEmpty());
        assertEquals("no CUDA device visible", why.toString());
    }

    @Test
    void closeReleasesTheContextOnceEvenWhenTheDeviceFailsAtClose() {
        AtomicInteger released = new AtomicInteger();
        Optional<Backend> b = CudaBackend.tryCreate(s -> { }, () -> Optional.of(new byte[16]), DEFAULT,
                Long.MAX_VALUE, (selection, fatbin) -> CudaContext.standIn("stand-in", released::incrementAndGet));
        Backend backend = b.orElseThrow();
        backend.close(); // synchronizing the stand-in fails: logged, and the context is still released
        backend.close();
        assertEquals(1, released.get());
    }
}
