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
 * @param visionQueue most images encoded ahead of admission and not yet admitted, on a backend
 *        where the vision tower has a thread of its own (see {@link VisionPlacement}); 0 encodes
 *        each image at admission on the decoding thread
 */
public record EngineOptions(DecodingSettings settings, int maxBatch, BackendRequest backend, KvBudget kvBudget,
                            int visionQueue) {

    /** Images encoded ahead per sequence of the batch: enough to refill a whole batch, and once more. */
    public static final int VISION_QUEUE_PER_SEQUENCE = 2;

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
        if (visionQueue < 0) {
            throw new IllegalArgumentException("vision queue must be >= 0 images, got " + visionQueue);
        }
    }

    public EngineOptions(DecodingSettings settings, int maxBatch, BackendRequest backend, KvBudget kvBudget) {
        this(settings, maxBatch, backend, kvBudget, defaultVisionQueue(maxBatch));
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

    /** The same options with {@code images} encoded ahead at most (0: at admission). */
    public EngineOptions withVisionQueue(int images) {
        return new EngineOptions(settings, maxBatch, backend, kvBudget, images);
    }

    /** The default of {@link #visionQueue}: {@value #VISION_QUEUE_PER_SEQUENCE} images per sequence of the batch. */
    public static int defaultVisionQueue(int maxBatch) {
        return (int) Math.min(Integer.MAX_VALUE, (long) VISION_QUEUE_PER_SEQUENCE * Math.max(1, maxBatch));
    }
}
