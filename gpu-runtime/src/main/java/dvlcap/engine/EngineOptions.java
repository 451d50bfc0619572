package dvlcap.engine;

import dvlcap.decode.DecodingSettings;

/**
 * How an engine runs.
 *
 * @param settings decoding settings for every caption of this engine
 * @param maxBatch most sequences decoded together
 * @param backend backend name for {@link dvlcap.backend.Backends#create}: auto, cpu, vector, scalar, cuda
 * @param kvBudget how much memory the engine's KV pool takes (the pool decides how many sequences run)
 */
public record EngineOptions(DecodingSettings settings, int maxBatch, String backend, KvBudget kvBudget) {

    public EngineOptions {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + maxBatch);
        }
        if (kvBudget == null) {
            throw new IllegalArgumentException("KV budget missing: use KvBudget.auto()");
        }
    }

    public EngineOptions(DecodingSettings settings, int maxBatch, String backend) {
        this(settings, maxBatch, backend, KvBudget.auto());
    }

    public static EngineOptions defaults() {
        return new EngineOptions(DecodingSettings.defaults(), 16, "auto", KvBudget.auto());
    }
}
