package dvlcap.schemas;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The captions table (Parquet): one row per input image, ok or error, with what the caption cost
 * and the settings that made it, so rows of several runs can sit in one table.
 */
public final class CaptionsTableSchema {

    public static final String NAME = "captions";
    public static final int VERSION = 1;

    /** Identity of the image: its path for file inputs, its key for table inputs. Unique per table. */
    public static final String ID = "id";
    /** Where the image came from (path or url); null when the input has no such column. */
    public static final String SOURCE = "source";
    public static final String CAPTION = ResultBatchSchema.CAPTION;
    public static final String STATUS = ResultBatchSchema.STATUS;
    public static final String ERROR = ResultBatchSchema.ERROR;
    public static final String TOKENS = ResultBatchSchema.TOKENS;
    public static final String BLOCKS = ResultBatchSchema.BLOCKS;
    public static final String FORWARD_PASSES = ResultBatchSchema.FORWARD_PASSES;
    /** tokens / forward_passes (0 when there were no forwards). */
    public static final String TOKENS_PER_FORWARD = "tokens_per_forward";
    public static final String VISION_MS = ResultBatchSchema.VISION_MS;
    public static final String PREFILL_MS = ResultBatchSchema.PREFILL_MS;
    public static final String DECODE_MS = ResultBatchSchema.DECODE_MS;
    public static final String LATENCY_MS = ResultBatchSchema.LATENCY_MS;
    public static final String MODEL = "model";
    /** "block" or "ar". */
    public static final String DECODER = "decoder";
    /** Block size used (0 = the model's own). */
    public static final String BLOCK_SIZE = "block_size";
    /** Denoising steps per block (0 = as many as the block size). */
    public static final String STEPS = "steps";
    /** "static" or "dynamic". */
    public static final String REMASKING = "remasking";
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
            Fields.float64(VISION_MS, false),
            Fields.float64(PREFILL_MS, false),
            Fields.float64(DECODE_MS, false),
            Fields.float64(LATENCY_MS, false),
            Fields.string(MODEL, false),
            Fields.string(DECODER, false),
            Fields.int32(BLOCK_SIZE, false),
            Fields.int32(STEPS, false),
            Fields.string(REMASKING, false),
            Fields.float32(THRESHOLD, false),
            Fields.string(RUN_ID, false));

    private CaptionsTableSchema() {
    }
}
