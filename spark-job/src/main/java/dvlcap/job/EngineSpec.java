package dvlcap.job;

import dvlcap.decode.DecodingSettings;
import dvlcap.engine.KvBudget;
import java.io.Serializable;

/**
 * What an executor needs to load an engine: which model, how to decode, and which captioner
 * implementation. Equal specs share one engine per JVM (and per GPU).
 *
 * @param model        the model directory as given (local path or Hadoop URI)
 * @param modelCache   local directory remote models are copied into
 * @param backend      a name of {@link dvlcap.backend.BackendRequest#NAMES}; the executor adds its GPU as the device
 * @param kvBudget     memory of the engine's KV pool
 * @param factoryClass the {@link CaptionerFactory} implementation
 */
public record EngineSpec(String model, String modelCache, DecodingSettings settings, int maxBatch, String prompt,
                         dvlcap.backend.BackendRequest backend, KvBudget kvBudget, String factoryClass)
        implements Serializable {

    /** The default captioner: the dvlcap engine. */
    public static final String ENGINE_FACTORY = "dvlcap.job.EngineCaptionerFactory";

    public static EngineSpec of(JobOptions o, String factoryClass) {
        return new EngineSpec(o.model(), o.modelCache(), o.decodingSettings(), o.batchSize(), o.prompt(), o.backend(),
                o.kvBudget(), factoryClass);
    }
}
