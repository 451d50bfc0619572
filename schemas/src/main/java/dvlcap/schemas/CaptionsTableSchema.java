package dvlcap.schemas;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The captions table (Parquet): one row per input image, ok or error, with what the caption cost
 * and the settings that made it, so rows of several runs can sit in one table.
 */
public final class CaptionsTableSchema {

    public static final String NAME = "captions";
    public static final int VERSION = 3;

    /** Identity of the image: its path for file inputs, its key for table inputs. Unique per table. */
    public static final String ID = "id";
    /** Where the image came from (path or url); null when the input has no such column. */
    public static final String SOURCE = "source";
    /** The caption; null for error rows. */
    public static final String CAPTION = "caption";
    /** {@link Status#value()}: "ok" or "error". */
    public static final String STATUS = "status";
    /** Why there is no caption; null for ok rows. */
    public static final String ERROR = "error";
    /** Generated answer tokens (cut at the first end of sequence). */
    public static final String TOKENS = "tokens";
    public static final String BLOCKS = "blocks";
    public static final String FORWARD_PASSES = "forward_passes";
    /** tokens / forward_passes (0 when there were no forwards). */
    public static final String TOKENS_PER_FORWARD = "tokens_per_forward";
    /**
     * Speculative decoding only (null for the other decoders): tokens accepted per draft + verify
     * step, correction token included, i.e. (tokens - 1) / blocks, the first token being the prefill's.
     */
    public static final String TOKENS_PER_VERIFY = "tokens_per_verify";
    public static final String VISION_MS = "vision_ms";
    public static final String PREFILL_MS = "prefill_ms";
    public static final String DECODE_MS = "decode_ms";
    /** Wall time from handing the image to the engine to its result. */
    public static final String LATENCY_MS = "latency_ms";
    /** The model directory's name. */
    public static final String MODEL = "model";
    /** {@code sha256:} of the model's config.json and weights index: which checkpoint this was. */
    public static final String MODEL_HASH = "model_hash";
    /** The dvlcap version that made the caption. */
    public static final String DVLCAP_VERSION = "dvlcap_version";
    /** The backend the engine actually ran on, e.g. cpu-vector or cuda. */
    public static final String BACKEND = "backend";
    /**
     * The GPU address Spark assigned the task that made the row (as the discovery script numbers
     * GPUs), null when the task had none. Set also under {@code --backend cpu}, which ignores it.
     */
    public static final String GPU = "gpu";
    /** "block", "ar" or "speculative". */
    public static final String DECODER = "decoder";
    /** Block size actually used (the model's own when the run asked for its default; 1 for ar). */
    public static final String BLOCK_SIZE = "block_size";
    /** Denoising steps per block actually used (forwards per block for speculative). */
    public static final String STEPS = "steps";
    /** Sub-block size of sub-block denoising; 0 when off. */
    public static final String SUB_BLOCK = "sub_block";
    /** "static", "dynamic" or "sub-block". */
    public static final String REMASKING = "remasking";
    /** The confidence threshold as written (float64, so 0.85 reads back as 0.85). */
    public static final String THRESHOLD = "threshold";
    public static final String RUN_ID = "run_id";

    public static final Schema SCHEMA = SchemaNames.named(NAME, VERSION,
            Fields.string(ID, false),
            Fields.string(SOURCE, true),
            Fields.string(CAPTION, true),
            Fields.string(STATUS, false),
            Fields.string(ERROR, true),
            Fields.int32(TOKENS, false),
            Fields.int32(BLOCKS, false),
            Fields.int32(FORWARD_PASSES, false),
            Fields.float64(TOKENS_PER_FORWARD, false),
            Fields.float64(TOKENS_PER_VERIFY, true),
            Fields.float64(VISION_MS, false),
            Fields.float64(PREFILL_MS, false),
            Fields.float64(DECODE_MS, false),
            Fields.float64(LATENCY_MS, false),
            Fields.string(MODEL, false),
            Fields.string(MODEL_HASH, false),
            Fields.string(DVLCAP_VERSION, false),
            Fields.string(BACKEND, false),
            Fields.string(GPU, true),
            Fields.string(DECODER, false),
            Fields.int32(BLOCK_SIZE, false),
            Fields.int32(STEPS, false),
            Fields.int32(SUB_BLOCK, false),
            Fields.string(REMASKING, false),
            Fields.float64(THRESHOLD, false),
            Fields.string(RUN_ID, false));

    private CaptionsTableSchema() {
    }
}
