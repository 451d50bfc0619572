package dvlcap.engine;

import dvlcap.backend.BackendRequest;
import dvlcap.decode.DecodingSettings;

/**
 * How an engine runs.
 *
 * @param settings decoding settings for every caption of this engine
 * @param maxBatch most sequences decoded together
 * @param backend  which backend {@link dvlcap.backend.Backends#create(BackendRequest)} makes, on which device
 * @param kvBudget how much memory the engine's KV pool takes (the pool decides how many sequences run)
 */
public record EngineOptions(DecodingSettings settings, int maxBatch, BackendRequest backend, KvBudget kvBudget) {

    public EngineOptions {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + maxBatch);
        }
        if (backend == null) {
            throw new IllegalArgumentException("backend request missing: use BackendRequest.of(\"auto\")");
        }
        if (kvBudget == null) {
            throw new IllegalArgumentException("KV budget missing: use KvBudget.auto()");
        }
    }

    /** Backend {@code backend} (a name of {@link BackendRequest#NAMES}) on the default device. */
    public EngineOptions(DecodingSettings settings, int maxBatch, String backend, KvBudget kvBudget) {
        this(settings, maxBatch, BackendRequest.of(backend), kvBudget);
    }

    public EngineOptions(DecodingSettings settings, int maxBatch, BackendRequest backend) {
        this(settings, maxBatch, backend, KvBudget.auto());
    }

    public EngineOptions(DecodingSettings settings, int maxBatch, String backend) {
        this(settings, maxBatch, backend, KvBudget.auto());
    }

    public static EngineOptions defaults() {
        return new EngineOptions(DecodingSettings.defaults(), 16, "auto", KvBudget.auto());
    }
}
