package dvlcap.schemas;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batch of images a task hands to the engine. Images are decoded and preprocessed on the task
 * threads, so the batch carries ready pixels as the model's preprocessor makes them (one tile,
 * anyres tiles or qwen2.5-vl patches; their geometry in the grid and original-size columns); an
 * image that could not be decoded has null pixels and a non-null {@code error}, and the engine
 * passes it through as an error result.
 */
public final class ImageBatchSchema {

    public static final String NAME = "image_batch";
    public static final int VERSION = 2;

    /** Stable identity of the image (path or key). Never null. */
    public static final String ID = "id";
    /** Preprocessed pixels; null exactly when {@link #ERROR} is set. */
    public static final String PIXELS = "pixels";
    /** Why the image could not be decoded or preprocessed; null for a good image. */
    public static final String ERROR = "error";
    /** Rows of tiles or patches the pixels hold (1 for a single tile); null with {@link #ERROR}. */
    public static final String GRID_ROWS = "grid_rows";
    /** Columns of tiles or patches; null with {@link #ERROR}. */
    public static final String GRID_COLS = "grid_cols";
    /** The decoded image's width before preprocessing, 0 when the model does not use it; null with {@link #ERROR}. */
    public static final String ORIGINAL_WIDTH = "original_width";
    /** The decoded image's height, as {@link #ORIGINAL_WIDTH}. */
    public static final String ORIGINAL_HEIGHT = "original_height";

    public static final Schema SCHEMA = SchemaNames.named(NAME, VERSION,
            Fields.string(ID, false),
            Fields.float32List(PIXELS, true),
            Fields.string(ERROR, true),
            Fields.int32(GRID_ROWS, true),
            Fields.int32(GRID_COLS, true),
            Fields.int32(ORIGINAL_WIDTH, true),
            Fields.int32(ORIGINAL_HEIGHT, true));

    private ImageBatchSchema() {
    }
}
