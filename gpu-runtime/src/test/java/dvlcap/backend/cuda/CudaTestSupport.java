package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import java.util.Optional;

/** The CUDA backend for tests that need a GPU, or a skip that says why there is none. */
final class CudaTestSupport {
    private CudaTestSupport() {
    }

    /** Null when a CUDA backend can start here; otherwise the reason it cannot. */
    static String unavailableReason() {
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(why::append);
        b.ifPresent(Backend::close);
        return b.isPresent() ? null : why.toString();
    }

    /** A fresh backend, or a skipped test naming the reason. */
    static CudaBackend backendOrSkip() {
        return backendOrSkip(BackendRequest.of("cuda"));
    }

    /** A fresh backend for {@code request} (device, memory limit), or a skipped test naming the reason. */
    static CudaBackend backendOrSkip(BackendRequest request) {
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = CudaBackend.tryCreate(request, why::append);
        assumeTrue(b.isPresent(), () -> "no CUDA backend here: " + why);
        return (CudaBackend) b.get();
    }
}
