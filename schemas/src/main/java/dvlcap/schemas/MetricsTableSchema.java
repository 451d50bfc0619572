package dvlcap.schemas;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The metrics table (Parquet): one row per run, computed from the captions rows that run wrote.
 * Quality columns are null when no references were given (or none matched).
 */
public final class MetricsTableSchema {

    public static final String NAME = "metrics";
    public static final int VERSION = 3;

    public static final String RUN_ID = "run_id";
    public static final String STARTED_AT = "started_at";
    public static final String IMAGES_OK = "images_ok";
    public static final String IMAGES_FAILED = "images_failed";
    /** Wall time of the captioning stage, seconds. */
    public static final String WALL_S = "wall_s";
    public static final String IMAGES_PER_S = "images_per_s";
    public static final String TOKENS_PER_S = "tokens_per_s";
    /** Total generated tokens / total forward passes over the ok rows. */
    public static final String TOKENS_PER_FORWARD = "tokens_per_forward";
    /** Speculative decoding only (else null): accepted tokens per verify step over the ok rows. */
    public static final String TOKENS_PER_VERIFY = CaptionsTableSchema.TOKENS_PER_VERIFY;
    public static final String LATENCY_P50_MS = "latency_p50_ms";
    public static final String LATENCY_P95_MS = "latency_p95_ms";
    /** How many ok captions had references to be scored against; 0 without references. */
    public static final String SCORED = "scored";
    public static final String BLEU1 = "bleu1";
    public static final String BLEU2 = "bleu2";
    public static final String BLEU3 = "bleu3";
    public static final String BLEU4 = "bleu4";
    public static final String ROUGE_L = "rouge_l";
    public static final String CIDER_D = "cider_d";
    // The settings of the run, one column each, so sweeps can group by them.
    public static final String MODEL = CaptionsTableSchema.MODEL;
    public static final String MODEL_HASH = CaptionsTableSchema.MODEL_HASH;
    public static final String DVLCAP_VERSION = CaptionsTableSchema.DVLCAP_VERSION;
    public static final String DECODER = CaptionsTableSchema.DECODER;
    public static final String BLOCK_SIZE = CaptionsTableSchema.BLOCK_SIZE;
    public static final String STEPS = CaptionsTableSchema.STEPS;
    public static final String SUB_BLOCK = CaptionsTableSchema.SUB_BLOCK;
    public static final String REMASKING = CaptionsTableSchema.REMASKING;
    public static final String THRESHOLD = CaptionsTableSchema.THRESHOLD;
    public static final String MAX_NEW_TOKENS = "max_new_tokens";
    public static final String BATCH_SIZE = "batch_size";
    public static final String SEED = "seed";
    public static final String BACKEND = "backend";
    /** The distinct GPU addresses the run's tasks were given, sorted, comma-separated; null when none. */
    public static final String GPUS = "gpus";
    /** The user prompt, null for the model's caption prompt. */
    public static final String PROMPT = "prompt";
    public static final String INPUT = "input";

    public static final Schema SCHEMA = SchemaNames.named(NAME, VERSION,
            Fields.string(RUN_ID, false),
            Fields.timestampUtc(STARTED_AT, false),
            Fields.int64(IMAGES_OK, false),
            Fields.int64(IMAGES_FAILED, false),
            Fields.float64(WALL_S, false),
            Fields.float64(IMAGES_PER_S, false),
            Fields.float64(TOKENS_PER_S, false),
            Fields.float64(TOKENS_PER_FORWARD, false),
            Fields.float64(TOKENS_PER_VERIFY, true),
            Fields.float64(LATENCY_P50_MS, false),
            Fields.float64(LATENCY_P95_MS, false),
            Fields.int64(SCORED, false),
            Fields.float64(BLEU1, true),
            Fields.float64(BLEU2, true),
            Fields.float64(BLEU3, true),
            Fields.float64(BLEU4, true),
            Fields.float64(ROUGE_L, true),
            Fields.float64(CIDER_D, true),
            Fields.string(MODEL, false),
            Fields.string(MODEL_HASH, false),
            Fields.string(DVLCAP_VERSION, false),
            Fields.string(DECODER, false),
            Fields.int32(BLOCK_SIZE, false),
            Fields.int32(STEPS, false),
            Fields.int32(SUB_BLOCK, false),
            Fields.string(REMASKING, false),
            Fields.float64(THRESHOLD, false),
            Fields.int32(MAX_NEW_TOKENS, false),
            Fields.int32(BATCH_SIZE, false),
            Fields.int64(SEED, false),
            Fields.string(BACKEND, false),
            Fields.string(GPUS, true),
            Fields.string(PROMPT, true),
            Fields.string(INPUT, false));

    private MetricsTableSchema() {
    }
}
