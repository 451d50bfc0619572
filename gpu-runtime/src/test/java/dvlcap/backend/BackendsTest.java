package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void unknownNameListsTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("tpu"));
        for (String n : Backends.NAMES) {
            assertTrue(e.getMessage().contains(n), e.getMessage());
        }
    }

    @Test
    void scalarIsAlwaysAvailable() {
        assertInstanceOf(ScalarBackend.class, Backends.create("scalar"));
    }

    /** Surefire runs with --add-modules jdk.incubator.vector, so the vector backend must win on the CPU. */
    @Test
    void cpuPicksTheVectorBackendWhenTheModuleIsPresent() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        assertInstanceOf(VectorBackend.class, Backends.create("cpu"));
        assertInstanceOf(VectorBackend.class, Backends.create(" Vector "));
    }

    /** Host-independent: CUDA where it starts here (closed again, no context leaked), else the vector backend. */
    @Test
    void autoTakesCudaWhereItStartsElseTheVectorBackend() {
        Optional<Backend> gpu = dvlcap.backend.cuda.CudaBackend.tryCreate(BackendRequest.of("cuda"), why -> { });
        gpu.ifPresent(Backend::close);
        try (Backend b = Backends.create("auto")) {
            if (gpu.isPresent()) {
                assertEquals("cuda", b.name());
            } else {
                assertInstanceOf(VectorBackend.class, b);
            }
        }
    }

    @Test
    void explicitCudaUnavailableFailsWithTheFactorysReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.create(BackendRequest.of("cuda"), UNAVAILABLE));
        assertTrue(e.getMessage().contains("backend 'cuda' requested but unavailable: no device"), e.getMessage());
    }

    @Test
    void autoStepsDownToTheCpuWhenCudaDeclines() {
        try (Backend b = Backends.create(BackendRequest.of("auto"), UNAVAILABLE)) {
            assertTrue(b.name().startsWith("cpu"), b.name());
        }
    }

    @Test
    void cudaHookPassesTheReasonThroughAndReturnsTheBackend() {
        List<String> why = new ArrayList<>();
        assertTrue(Backends.cuda(UNAVAILABLE, BackendRequest.of("cuda"), why::add).isEmpty());
        assertEquals(List.of("no device"), why);
        Optional<Backend> b = Backends.cuda((r, w) -> Optional.of(new ScalarBackend()), BackendRequest.of("cuda"), why::add);
        assertInstanceOf(ScalarBackend.class, b.orElseThrow());
    }

    @Test
    void cudaHookTurnsAStartupCrashIntoAReason() {
        List<String> why = new ArrayList<>();
        Backends.CudaFactory linkFailure = (r, w) -> {
            throw new UnsatisfiedLinkError("boom");
        };
        assertTrue(Backends.cuda(linkFailure, BackendRequest.of("cuda"), why::add).isEmpty());
        assertTrue(why.get(0).contains("boom"), why.toString());
        Backends.CudaFactory crash = (r, w) -> {
            throw new IllegalStateException("driver crashed");
        };
        assertTrue(Backends.cuda(crash, BackendRequest.of("cuda"), why::add).isEmpty());
        assertTrue(why.get(1).contains("driver crashed"), why.toString());
    }

    /** The request, device included, reaches the CUDA factory untouched: nothing process-wide in between. */
    @Test
    void eachRequestReachesTheFactoryWithItsOwnDevice() {
        List<BackendRequest> seen = new ArrayList<>();
        Backends.CudaFactory recording = (r, w) -> {
            seen.add(r);
            return Optional.of(new ScalarBackend());
        };
        BackendRequest one = BackendRequest.of("cuda").onDevice(1);
        BackendRequest two = BackendRequest.of("auto").onDevice(2).withMemoryLimit(1 << 20);
        Backends.create(one, recording).close();
        Backends.create(two, recording).close();
        assertEquals(List.of(one, two), seen);
    }

    private static final Backends.CudaFactory UNAVAILABLE = (r, whyNot) -> {
        whyNot.accept("no device");
        return Optional.empty();
    };
}
