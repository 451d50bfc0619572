package dvlcap.job;

import dvlcap.engine.CaptionEngine;
import dvlcap.engine.EngineOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CaptionerFactory}: the dvlcap engine on the backend the run asks for.
 *
 * <p>When Spark assigned the task a GPU, "auto" means CUDA, and the engine is pinned to that GPU:
 * the address (a physical index, as nvidia-smi and the discovery script number GPUs) becomes the
 * CUDA ordinal the engine's {@value #DEVICE_PROPERTY} property selects, translated through
 * {@code CUDA_VISIBLE_DEVICES} when that variable hides some GPUs. The property is JVM-wide, so
 * loads are serialized and the property restored after each.
 */
public final class EngineCaptionerFactory implements CaptionerFactory {

    /** The engine's device-selection property (read when its CUDA context is created). */
    static final String DEVICE_PROPERTY = "dvlcap.cuda.device";

    private static final Logger LOG = LoggerFactory.getLogger(EngineCaptionerFactory.class);
    private static final Object LOAD_LOCK = new Object();

    @Override
    public BatchCaptioner open(Path localModel, EngineSpec spec, String gpu) {
        String backend = backend(spec.backend(), gpu);
        EngineOptions options = new EngineOptions(spec.settings(), spec.maxBatch(), backend, spec.kvBudget());
        CaptionEngine engine;
        if (gpu == null || backend.equals("cpu")) {
            if (gpu != null) {
                LOG.info("Spark GPU {} assigned to this executor's tasks; backend cpu: decoding on the CPU", gpu);
            }
            engine = CaptionEngine.load(localModel, options);
        } else {
            String ordinal = ordinal(gpu, System.getenv("CUDA_VISIBLE_DEVICES"));
            synchronized (LOAD_LOCK) {
                String before = System.getProperty(DEVICE_PROPERTY);
                System.setProperty(DEVICE_PROPERTY, ordinal);
                try {
                    engine = CaptionEngine.load(localModel, options);
                } finally {
                    if (before == null) {
                        System.clearProperty(DEVICE_PROPERTY);
                    } else {
                        System.setProperty(DEVICE_PROPERTY, before);
                    }
                }
            }
            LOG.info("Spark GPU {} is CUDA device ordinal {}", gpu, ordinal);
        }
        LOG.info("engine {} loaded on {} for this executor", engine.modelName(), engine.backendName());
        return new EngineBatchCaptioner(engine, spec.prompt());
    }

    static String backend(String requested, String gpu) {
        String b = requested.toLowerCase(Locale.ROOT);
        return gpu != null && b.equals("auto") ? "cuda" : b;
    }

    /** The CUDA ordinal of a GPU address: its position in CUDA_VISIBLE_DEVICES when set, else itself. */
    static String ordinal(String address, String visibleDevices) {
        if (visibleDevices == null || visibleDevices.isBlank()) {
            return address;
        }
        List<String> visible = Arrays.stream(visibleDevices.split(",")).map(String::trim).toList();
        int i = visible.indexOf(address);
        if (i >= 0) {
            return Integer.toString(i);
        }
        // Addresses already counted after filtering (a container that sees only its GPUs).
        return address;
    }
}
