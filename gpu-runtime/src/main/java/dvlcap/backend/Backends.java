package dvlcap.backend;

import dvlcap.backend.cuda.CudaBackend;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the backend a {@link BackendRequest} names and says why in the log: {@code auto} takes
 * CUDA, else the Vector API, else the scalar loops; every step down is logged with its reason.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** The names {@link #create} accepts: {@link BackendRequest#NAMES}. */
    public static final List<String> NAMES = BackendRequest.NAMES;

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** How a CUDA backend is tried; a seam so tests can stand in for the device. */
    @FunctionalInterface
    interface CudaFactory {
        /** The backend, or empty after telling {@code whyNot} why not. */
        Optional<Backend> tryCreate(BackendRequest request, Consumer<String> whyNot);
    }

    /** A lambda, not a method reference: CudaBackend (and JCuda) load only when CUDA is tried. */
    private static final CudaFactory CUDA = (request, whyNot) -> CudaBackend.tryCreate(request, whyNot);

    private Backends() {
    }

    /** The backend called {@code name} (one of {@link #NAMES}, case-insensitive) on the default device. */
    public static Backend create(String name) {
        return create(BackendRequest.of(name));
    }

    /** The backend {@code request} asks for. */
    public static Backend create(BackendRequest request) {
        return create(request, CUDA);
    }

    static Backend create(BackendRequest request, CudaFactory cudaFactory) {
        String n = request.name();
        Backend b = switch (n) {
            case "auto" -> auto(request, cudaFactory);
            case "cpu" -> cpu(request);
            case "vector" -> vector(request).orElseThrow(() -> new IllegalStateException(
                    "backend 'vector' requested but unavailable: " + vectorUnavailableReason()));
            case "scalar" -> new ScalarBackend();
            case "cuda" -> {
                StringBuilder why = new StringBuilder();
                yield cuda(cudaFactory, request, why::append).orElseThrow(() -> new IllegalStateException(
                        "backend 'cuda' requested but unavailable: " + why));
            }
            default -> throw new IllegalArgumentException(BackendRequest.unknownNameMessage(n)); // the record checked
        };
        LOG.info("backend '{}' requested: using {}{}", n, b.name(),
                b instanceof VectorBackend ? " (" + VectorBackend.lanes() + " float lanes)" : "");
        return b;
    }

    private static Backend auto(BackendRequest request, CudaFactory cudaFactory) {
        StringBuilder why = new StringBuilder();
        Optional<Backend> gpu = cuda(cudaFactory, request, why::append);
        if (gpu.isPresent()) {
            return gpu.get();
        }
        LOG.info("CUDA backend not used: {}", why);
        return cpu(request);
    }

    private static Backend cpu(BackendRequest request) {
        Optional<Backend> v = vector(request);
        if (v.isPresent()) {
            return v.get();
        }
        LOG.info("Vector API backend not used: {}; falling back to scalar loops", vectorUnavailableReason());
        return new ScalarBackend();
    }

    /**
     * The CUDA backend if it starts; otherwise tells {@code whyNot}. A binding that cannot even be
     * linked (JCuda missing from a slim deployment) or a crash in start-up is a reason, not an error,
     * so {@code auto} still falls back to the CPU.
     */
    static Optional<Backend> cuda(CudaFactory factory, BackendRequest request, Consumer<String> whyNot) {
        try {
            Optional<Backend> b = factory.tryCreate(request, whyNot);
            return b == null ? Optional.empty() : b;
        } catch (LinkageError e) {
            whyNot.accept("CUDA backend could not be loaded: " + e);
        } catch (RuntimeException e) {
            whyNot.accept("CUDA backend failed to start: " + e);
        }
        return Optional.empty();
    }

    /** The vector backend if the incubator module is resolved and a small probe agrees with the scalar loop. */
    static Optional<Backend> vector(BackendRequest request) {
        return vectorUnavailableReason() == null ? Optional.of(new VectorBackend(request.heapWeightBytes()))
                : Optional.empty();
    }

    private static volatile String vectorReason;
    private static volatile boolean vectorProbed;

    /** Null when the Vector API works; otherwise why not. Probed once per process. */
    static String vectorUnavailableReason() {
        if (!vectorProbed) {
            synchronized (Backends.class) {
                if (!vectorProbed) {
                    vectorReason = probeVector();
                    vectorProbed = true;
                }
            }
        }
        return vectorReason;
    }

    private static String probeVector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return "module " + VECTOR_MODULE + " not resolved (run java with --add-modules " + VECTOR_MODULE + ")";
        }
        try {
            // A 3x37 matmul exercises the vector loop, the lane fold and the tail.
            int n = 37;
            float[] x = new float[n], w = new float[3 * n];
            for (int i = 0; i < w.length; i++) {
                w[i] = (i % 7) - 3;
                if (i < n) {
                    x[i] = (i % 5) - 2;
                }
            }
            float[] want = new float[3], got = new float[3];
            try (Backend s = new ScalarBackend(); Backend v = new VectorBackend()) {
                s.matmul(new CpuTensor(want), new CpuTensor(x), new CpuWeight(w, 3, n), null, 1);
                v.matmul(new CpuTensor(got), new CpuTensor(x), new CpuWeight(w, 3, n), null, 1);
            }
            // Small integers: both sums are exact, so they must be equal.
            for (int i = 0; i < 3; i++) {
                if (want[i] != got[i]) {
                    return "probe matmul disagrees with scalar (" + got[i] + " vs " + want[i] + ")";
                }
            }
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "Vector API probe failed: " + e;
        }
    }
}
