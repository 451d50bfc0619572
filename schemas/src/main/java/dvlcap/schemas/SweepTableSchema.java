package dvlcap.schemas;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The sweep table (Parquet): one row per decoding setting a {@code dvlcap sweep} ran on a corpus
 * with references: the setting as it actually ran, the model, quality and speed. A row is written
 * when its setting has finished, so the table is also the sweep's record of what is done.
 */
public final class SweepTableSchema {

    public static final String NAME = "sweep";
    public static final int VERSION = 1;

    /**
     * {@code sha256:} of the setting as the grid asked for it, the model hash and the corpus (ids
     * and references): a rerun skips settings whose hash is present.
     */
    public static final String SETTINGS_HASH = "settings_hash";
    /** A short human name of the setting, e.g. {@code block dynamic b8 s8 t0.85 x16}. */
    public static final String SETTING = "setting";
    public static final String DECODER = CaptionsTableSchema.DECODER;
    public static final String BLOCK_SIZE = CaptionsTableSchema.BLOCK_SIZE;
    public static final String STEPS = CaptionsTableSchema.STEPS;
    public static final String REMASKING = CaptionsTableSchema.REMASKING;
    public static final String THRESHOLD = CaptionsTableSchema.THRESHOLD;
    public static final String SUB_BLOCK = CaptionsTableSchema.SUB_BLOCK;
    public static final String BATCH_SIZE = MetricsTableSchema.BATCH_SIZE;
    public static final String MAX_NEW_TOKENS = MetricsTableSchema.MAX_NEW_TOKENS;
    public static final String MODEL = CaptionsTableSchema.MODEL;
    public static final String MODEL_HASH = CaptionsTableSchema.MODEL_HASH;
    public static final String DVLCAP_VERSION = CaptionsTableSchema.DVLCAP_VERSION;
    public static final String BACKEND = CaptionsTableSchema.BACKEND;
    /** The corpus: its manifest file. */
    public static final String CORPUS = "corpus";
    /** Captions made and scored (one per manifest entry). */
    public static final String IMAGES = "images";
    public static final String BLEU4 = MetricsTableSchema.BLEU4;
    public static final String ROUGE_L = MetricsTableSchema.ROUGE_L;
    public static final String CIDER_D = MetricsTableSchema.CIDER_D;
    /** Mean object F1 against the true scenes; null when the corpus has no scenes. */
    public static final String OBJECT_F1 = "object_f1";
    public static final String TOKENS_PER_S = MetricsTableSchema.TOKENS_PER_S;
    public static final String TOKENS_PER_FORWARD = MetricsTableSchema.TOKENS_PER_FORWARD;
    public static final String IMAGES_PER_S = MetricsTableSchema.IMAGES_PER_S;
    public static final String LATENCY_P50_MS = MetricsTableSchema.LATENCY_P50_MS;
    public static final String LATENCY_P95_MS = MetricsTableSchema.LATENCY_P95_MS;
    public static final String LATENCY_P99_MS = "latency_p99_ms";
    /** Wall time of captioning the corpus with this setting (engine load not included), seconds. */
    public static final String WALL_S = MetricsTableSchema.WALL_S;
    public static final String FINISHED_AT = "finished_at";

    public static final Schema SCHEMA = SchemaNames.named(NAME, VERSION,
            Fields.string(SETTINGS_HASH, false),
            Fields.string(SETTING, false),
            Fields.string(DECODER, false),
            Fields.int32(BLOCK_SIZE, false),
            Fields.int32(STEPS, false),
            Fields.string(REMASKING, false),
            Fields.float64(THRESHOLD, false),
            Fields.int32(SUB_BLOCK, false),
            Fields.int32(BATCH_SIZE, false),
            Fields.int32(MAX_NEW_TOKENS, false),
            Fields.string(MODEL, false),
            Fields.string(MODEL_HASH, false),
            Fields.string(DVLCAP_VERSION, false),
            Fields.string(BACKEND, false),
            Fields.string(CORPUS, false),
            Fields.int64(IMAGES, false),
            Fields.float64(BLEU4, false),
            Fields.float64(ROUGE_L, false),
            Fields.float64(CIDER_D, false),
            Fields.float64(OBJECT_F1, true),
            Fields.float64(TOKENS_PER_S, false),
            Fields.float64(TOKENS_PER_FORWARD, false),
            Fields.float64(IMAGES_PER_S, false),
            Fields.float64(LATENCY_P50_MS, false),
            Fields.float64(LATENCY_P95_MS, false),
            Fields.float64(LATENCY_P99_MS, false),
            Fields.float64(WALL_S, false),
            Fields.timestampUtc(FINISHED_AT, false));

    private SweepTableSchema() {
    }
}
