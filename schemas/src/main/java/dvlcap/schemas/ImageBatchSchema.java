package dvlcap.schemas;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batch of images a task hands to the engine. Images are decoded and preprocessed on the task
 * threads, so the batch carries ready pixels (channels-first {@code [3, size, size]}, as the
 * model's preprocessor makes them); an image that could not be decoded has null pixels and a
 * non-null {@code error}, and the engine passes it through as an error result.
 */
public final class ImageBatchSchema {

    public static final String NAME = "image_batch";
    public static final int VERSION = 1;

    /** Stable identity of the image (path or key). Never null. */
    public static final String ID = "id";
    /** Preprocessed pixels; null exactly when {@link #ERROR} is set. */
    public static final String PIXELS = "pixels";
    /** Why the image could not be decoded or preprocessed; null for a good image. */
    public static final String ERROR = "error";

    public static final Schema SCHEMA = SchemaNames.named(NAME, VERSION,
            Fields.string(ID, false),
            Fields.float32List(PIXELS, true),
            Fields.string(ERROR, true));

    private ImageBatchSchema() {
    }
}
