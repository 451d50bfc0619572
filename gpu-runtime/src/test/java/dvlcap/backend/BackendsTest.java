package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
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
        Optional<Backend> gpu = Backends.cuda(why -> { });
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
    void missingCudaClassSaysNotBuilt() {
        List<String> why = new ArrayList<>();
        assertTrue(Backends.cuda("dvlcap.backend.cuda.NoSuchBackend", why::add).isEmpty());
        assertTrue(why.get(0).contains("CUDA backend not built"), why.toString());
    }

    @Test
    void explicitCudaWithoutTheBackendFailsWithTheReason() {
        try {
            Class.forName(Backends.CUDA_CLASS);
            return; // built: whether it starts depends on the machine
        } catch (ClassNotFoundException absent) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("cuda"));
            assertTrue(e.getMessage().contains("CUDA backend not built"), e.getMessage());
        }
    }

    @Test
    void cudaHookPassesTheReasonThroughAndReturnsTheBackend() {
        List<String> why = new ArrayList<>();
        assertTrue(Backends.cuda(Unavailable.class.getName(), why::add).isEmpty());
        assertEquals(List.of("no device"), why);
        Optional<Backend> b = Backends.cuda(Available.class.getName(), why::add);
        assertInstanceOf(ScalarBackend.class, b.orElseThrow());
    }

    @Test
    void cudaHookTurnsAStartupCrashIntoAReason() {
        List<String> why = new ArrayList<>();
        assertTrue(Backends.cuda(Crashing.class.getName(), why::add).isEmpty());
        assertTrue(why.get(0).contains("boom"), why.toString());
    }

    /** Stand-ins for dvlcap.backend.cuda.CudaBackend. */
    public static final class Unavailable {
        public static Optional<Backend> tryCreate(Consumer<String> whyNot) {
            whyNot.accept("no device");
            return Optional.empty();
        }
    }

    public static final class Available {
        public static Optional<Backend> tryCreate(Consumer<String> whyNot) {
            return Optional.of(new ScalarBackend());
        }
    }

    public static final class Crashing {
        public static Optional<Backend> tryCreate(Consumer<String> whyNot) {
            throw new UnsatisfiedLinkError("boom");
        }
    }
}
