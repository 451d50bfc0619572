package dvlcap.engine;

import dvlcap.decode.DecodingSettings;

/**
 * How an engine runs.
 *
 * @param settings decoding settings for every caption of this engine
 * @param maxBatch most sequences decoded together
 * @param backend backend name for {@link dvlcap.backend.Backends#create}: auto, cpu, vector, scalar, cuda
 * @param kvBudgetBytes most bytes all KV caches may take together (0 = no limit beyond the batch size)
 */
public record EngineOptions(DecodingSettings settings, int maxBatch, String backend, long kvBudgetBytes) {

    public EngineOptions {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + maxBatch);
        }
        if (kvBudgetBytes < 0) {
            throw new IllegalArgumentException("KV budget must be >= 0, got " + kvBudgetBytes);
        }
    }

    public EngineOptions(DecodingSettings settings, int maxBatch, String backend) {
        this(settings, maxBatch, backend, 0);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(DecodingSettings.defaults(), 16, "auto", 0);
    }
}
