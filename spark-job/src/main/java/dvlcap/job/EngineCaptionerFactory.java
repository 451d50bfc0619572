package dvlcap.job;

import dvlcap.engine.CaptionEngine;
import dvlcap.engine.EngineOptions;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CaptionerFactory}: the dvlcap engine on the backend the run asks for.
 *
 * <p>When Spark assigned the task a GPU, the CUDA backend is used for "auto". The engine cannot
 * yet pin a device by address, so the engine runs on the process's default CUDA device; on hosts
 * where executors see several GPUs, give each executor one GPU and isolate it
 * ({@code CUDA_VISIBLE_DEVICES}, or a container runtime that does so).
 */
public final class EngineCaptionerFactory implements CaptionerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(EngineCaptionerFactory.class);

    @Override
    public BatchCaptioner open(Path localModel, EngineSpec spec, String gpu) {
        String backend = backend(spec.backend(), gpu);
        if (gpu != null && !gpu.equals("0")) {
            LOG.warn("Spark assigned GPU {} but the engine uses the default CUDA device; isolate GPUs per executor",
                    gpu);
        }
        CaptionEngine engine = CaptionEngine.load(localModel, new EngineOptions(spec.settings(), spec.maxBatch(),
                backend));
        LOG.info("engine {} loaded on {} for this executor", engine.modelName(), engine.backendName());
        return new EngineBatchCaptioner(engine, spec.prompt());
    }

    static String backend(String requested, String gpu) {
        String b = requested.toLowerCase(Locale.ROOT);
        return gpu != null && b.equals("auto") ? "cuda" : b;
    }
}
