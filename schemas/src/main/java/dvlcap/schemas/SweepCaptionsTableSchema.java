package dvlcap.schemas;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The captions a sweep made (Parquet): one row per setting and corpus entry, joined to the sweep
 * table on {@link #SETTINGS_HASH}, so captions of settings can be compared side by side.
 */
public final class SweepCaptionsTableSchema {

    public static final String NAME = "sweep_captions";
    public static final int VERSION = 1;

    public static final String SETTINGS_HASH = SweepTableSchema.SETTINGS_HASH;
    /** The corpus entry's id. */
    public static final String ID = CaptionsTableSchema.ID;
    /** The image file, as the manifest names it (relative to the manifest's directory). */
    public static final String FILE = "file";
    public static final String CAPTION = CaptionsTableSchema.CAPTION;
    public static final String TOKENS = CaptionsTableSchema.TOKENS;
    public static final String FORWARD_PASSES = CaptionsTableSchema.FORWARD_PASSES;
    public static final String LATENCY_MS = CaptionsTableSchema.LATENCY_MS;

    public static final Schema SCHEMA = SchemaNames.named(NAME, VERSION,
            Fields.string(SETTINGS_HASH, false),
            Fields.string(ID, false),
            Fields.string(FILE, false),
            Fields.string(CAPTION, false),
            Fields.int32(TOKENS, false),
            Fields.int32(FORWARD_PASSES, false),
            Fields.float64(LATENCY_MS, false));

    private SweepCaptionsTableSchema() {
    }
}
