package dvlcap.schemas;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batch of results the engine side hands back to a task: one row per row of the image batch,
 * in the same order. Counts and timings are 0 for error rows.
 */
public final class ResultBatchSchema {

    public static final String NAME = "result_batch";
    public static final int VERSION = 1;

    public static final String ID = "id";
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
    public static final String VISION_MS = "vision_ms";
    public static final String PREFILL_MS = "prefill_ms";
    public static final String DECODE_MS = "decode_ms";
    /** Wall time from handing the image to the engine to its result. */
    public static final String LATENCY_MS = "latency_ms";

    public static final Schema SCHEMA = SchemaNames.named(NAME, VERSION,
            Fields.string(ID, false),
            Fields.string(CAPTION, true),
            Fields.string(STATUS, false),
            Fields.string(ERROR, true),
            Fields.int32(TOKENS, false),
            Fields.int32(BLOCKS, false),
            Fields.int32(FORWARD_PASSES, false),
            Fields.float64(VISION_MS, false),
            Fields.float64(PREFILL_MS, false),
            Fields.float64(DECODE_MS, false),
            Fields.float64(LATENCY_MS, false));

    private ResultBatchSchema() {
    }
}
