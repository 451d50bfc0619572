package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import java.util.Optional;

/**
 * The CUDA backend for tests that need a GPU, or a skip that says why there is none. On a GPU host
 * (the device check sets {@value #REQUIRE_ENV}=1, or system property {@value #REQUIRE_PROPERTY}=true)
 * a backend that cannot start is a failure, never a skip: a broken device run must not look green.
 */
public final class CudaTestSupport {
    public static final String REQUIRE_ENV = "DVLCAP_REQUIRE_CUDA";
    static final String REQUIRE_PROPERTY = "dvlcap.requireCuda";

    private CudaTestSupport() {
    }

    /** True where the CUDA backend must start (a device run): no test may skip for want of it. */
    public static boolean required() {
        String e = System.getenv(REQUIRE_ENV);
        return "1".equals(e) || "true".equalsIgnoreCase(e) || Boolean.getBoolean(REQUIRE_PROPERTY);
    }

    /** Null when a CUDA backend can start here; otherwise the reason it cannot (a failure where it is required). */
    public static String unavailableReason() {
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(why::append);
        b.ifPresent(Backend::close);
        if (b.isEmpty() && required()) {
            fail(REQUIRE_ENV + " is set but the CUDA backend cannot start: " + why);
        }
        return b.isPresent() ? null : why.toString();
    }

    /** A fresh backend, or a skipped test naming the reason (a failure where CUDA is required). */
    public static CudaBackend backendOrSkip() {
        return backendOrSkip(BackendRequest.of("cuda"));
    }

    /**
     * A fresh backend for {@code request} (device, memory limit), or a skipped test naming the
     * reason (a failure where CUDA is required).
     */
    public static CudaBackend backendOrSkip(BackendRequest request) {
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(request, why::append);
        if (b.isEmpty() && required()) {
            fail(REQUIRE_ENV + " is set but the CUDA backend cannot start: " + why);
        }
        assumeTrue(b.isPresent(), () -> "no CUDA backend here: " + why);
        return (CudaBackend) b.get();
    }
}
