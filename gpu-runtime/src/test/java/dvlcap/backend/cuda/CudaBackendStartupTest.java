package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Start-up and shutdown around an opened context, with a stand-in context (no GPU needed): whatever
 * fails after the context opened releases it (context and module), exactly once.
 */
class CudaBackendStartupTest {
    private static final DeviceSelection DEFAULT = DeviceSelection.from(k -> null, Map.of());

    @Test
    void aFailureAfterTheContextOpenedReleasesIt() {
        AtomicInteger released = new AtomicInteger();
        String old = System.getProperty(CudaBackend.LIMIT_PROPERTY);
        System.setProperty(CudaBackend.LIMIT_PROPERTY, "0"); // the allocator refuses a limit of 0
        try {
            StringBuilder why = new StringBuilder();
            Optional<Backend> b = CudaBackend.tryCreate(why::append, () -> Optional.of(new byte[16]), DEFAULT,
                    (selection, fatbin) -> CudaContext.standIn("stand-in", released::incrementAndGet));
            assertTrue(b.isEmpty());
            assertTrue(why.toString().startsWith("CUDA backend failed to start:"), why.toString());
            assertTrue(why.toString().contains("limit must be positive"), why.toString());
            assertEquals(1, released.get(), "context and module released once");
        } finally {
            if (old == null) {
                System.clearProperty(CudaBackend.LIMIT_PROPERTY);
            } else {
                System.setProperty(CudaBackend.LIMIT_PROPERTY, old);
            }
        }
    }

    @Test
    void anUnavailableDeviceIsAReasonAndNothingToRelease() {
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(why::append, () -> Optional.of(new byte[16]), DEFAULT,
                (selection, fatbin) -> {
                    throw new CudaContext.Unavailable("no CUDA device visible");
                });
        assertTrue(b.isEmpty());
        assertEquals("no CUDA device visible", why.toString());
    }

    @Test
    void closeReleasesTheContextOnceEvenWhenTheDeviceFailsAtClose() {
        AtomicInteger released = new AtomicInteger();
        Optional<Backend> b = CudaBackend.tryCreate(s -> { }, () -> Optional.of(new byte[16]), DEFAULT,
                (selection, fatbin) -> CudaContext.standIn("stand-in", released::incrementAndGet));
        Backend backend = b.orElseThrow();
        backend.close(); // synchronizing the stand-in fails: logged, and the context is still released
        backend.close();
        assertEquals(1, released.get());
    }
}
