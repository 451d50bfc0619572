package dvlcap.backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the backend once at start-up and says why in the log: {@code auto} takes CUDA, else the
 * Vector API, else the scalar loops; every step down is logged with its reason.
 *
 * <p>The CUDA backend is looked up by reflection so that this module compiles and runs without it:
 * class {@value #CUDA_CLASS} with {@code static Optional<Backend> tryCreate(Consumer<String> whyNot)}.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("auto", "cpu", "vector", "scalar", "cuda");

    static final String CUDA_CLASS = "dvlcap.backend.cuda.CudaBackend";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private Backends() {
    }

    /** The backend called {@code name} (one of {@link #NAMES}, case-insensitive). */
    public static Backend create(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Backend b = switch (n) {
            case "auto" -> auto();
            case "cpu" -> cpu();
            case "vector" -> vector().orElseThrow(() -> new IllegalStateException(
                    "backend 'vector' requested but unavailable: " + vectorUnavailableReason()));
            case "scalar" -> new ScalarBackend();
            case "cuda" -> {
                StringBuilder why = new StringBuilder();
                yield cuda(why::append).orElseThrow(() -> new IllegalStateException(
                        "backend 'cuda' requested but unavailable: " + why));
            }
            default -> throw new IllegalArgumentException(
                    "unknown backend '" + name + "'; allowed: " + String.join(", ", NAMES));
        };
        LOG.info("backend '{}' requested: using {}{}", n, b.name(),
                b instanceof VectorBackend ? " (" + VectorBackend.lanes() + " float lanes)" : "");
        return b;
    }

    private static Backend auto() {
        StringBuilder why = new StringBuilder();
        Optional<Backend> gpu = cuda(why::append);
        if (gpu.isPresent()) {
            return gpu.get();
        }
        LOG.info("CUDA backend not used: {}", why);
        return cpu();
    }

    private static Backend cpu() {
        Optional<Backend> v = vector();
        if (v.isPresent()) {
            return v.get();
        }
        LOG.info("Vector API backend not used: {}; falling back to scalar loops", vectorUnavailableReason());
        return new ScalarBackend();
    }

    /** The CUDA backend if it is built and finds a device; otherwise tells {@code whyNot}. */
    static Optional<Backend> cuda(Consumer<String> whyNot) {
        return cuda(CUDA_CLASS, whyNot);
    }

    @SuppressWarnings("unchecked")
    static Optional<Backend> cuda(String className, Consumer<String> whyNot) {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            whyNot.accept("CUDA backend not built (" + className + " not found)");
            return Optional.empty();
        }
        try {
            Method m = c.getMethod("tryCreate", Consumer.class);
            Object r = m.invoke(null, whyNot);
            if (r instanceof Optional<?> o) {
                if (o.isPresent() && !(o.get() instanceof Backend)) {
                    whyNot.accept(className + ".tryCreate returned a " + o.get().getClass().getName());
                    return Optional.empty();
                }
                return (Optional<Backend>) o;
            }
            whyNot.accept(className + ".tryCreate returned " + (r == null ? "null" : r.getClass().getName())
                    + ", not an Optional<Backend>");
        } catch (NoSuchMethodException e) {
            whyNot.accept(className + " has no static tryCreate(Consumer<String>)");
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            whyNot.accept("CUDA backend failed to start: " + t);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            whyNot.accept("CUDA backend could not be called: " + e);
        }
        return Optional.empty();
    }

    /** The vector backend if the incubator module is resolved and a small probe agrees with the scalar loop. */
    static Optional<Backend> vector() {
        return vectorUnavailableReason() == null ? Optional.of(new VectorBackend()) : Optional.empty();
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
