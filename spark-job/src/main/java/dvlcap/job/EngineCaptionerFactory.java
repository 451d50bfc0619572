package dvlcap.job;

import dvlcap.backend.BackendRequest;
import dvlcap.engine.CaptionEngine;
import dvlcap.engine.EngineOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CaptionerFactory}: the dvlcap engine on the backend the run asks for.
 *
 * <p>When Spark assigned the task a GPU, "auto" means CUDA, and the engine is pinned to that GPU:
 * the address (a physical index, as nvidia-smi and the discovery script number GPUs) becomes the
 * CUDA ordinal of the engine's {@link BackendRequest}, translated through
 * {@code CUDA_VISIBLE_DEVICES} when that variable hides some GPUs. The ordinal travels in the
 * request, so engines for different GPUs load in parallel without touching JVM-wide state.
 */
public final class EngineCaptionerFactory implements CaptionerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(EngineCaptionerFactory.class);

    @Override
    public BatchCaptioner open(Path localModel, EngineSpec spec, String gpu) {
        BackendRequest request = request(spec.backend(), gpu, System.getenv("CUDA_VISIBLE_DEVICES"));
        if (gpu != null && request.name().equals("cpu")) {
            LOG.info("Spark GPU {} assigned to this executor's tasks; backend cpu: decoding on the CPU", gpu);
        } else if (gpu != null) {
            LOG.info("Spark GPU {} is CUDA device ordinal {}", gpu, request.cudaDevice());
        }
        CaptionEngine engine = CaptionEngine.load(localModel,
                new EngineOptions(spec.settings(), spec.maxBatch(), request, spec.kvBudget()));
        LOG.info("engine {} loaded on {} for this executor", engine.modelName(), engine.backendName());
        return new EngineBatchCaptioner(engine, spec.prompt());
    }

    /**
     * The backend request of a task: {@code asked} as asked, "auto" made "cuda" when Spark gave
     * the task GPU {@code gpu}, and that GPU's ordinal as the request's device (unless the run asked
     * for the CPU). Without a GPU address the device is left to the engine's default.
     */
    static BackendRequest request(BackendRequest asked, String gpu, String visibleDevices) {
        if (gpu == null || asked.name().equals("cpu") || asked.name().equals("vector")
                || asked.name().equals("scalar")) {
            return asked;
        }
        int ordinal;
        try {
            ordinal = Integer.parseInt(ordinal(gpu.trim(), visibleDevices));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Spark GPU address '" + gpu + "' is not a device index (0, 1, ...)");
        }
        return new BackendRequest("cuda", ordinal, asked.memoryLimitBytes(), asked.heapWeightBytes());
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
