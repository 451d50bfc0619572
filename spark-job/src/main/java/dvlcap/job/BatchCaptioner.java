package dvlcap.job;

import dvlcap.engine.CaptionProvenance;
import dvlcap.image.VisionInput;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The engine as a Spark task sees it: a batch of prepared images in, one outcome per image out.
 *
 * <p>Plain Java objects, not Arrow batches: the task and the engine share one JVM and the engine
 * takes heap {@code float[]} pixels, so an Arrow batch here would only be a copy in and a copy out
 * (see {@link PartitionCaptioner}).
 *
 * <p>One instance serves every task of an executor JVM (see {@link EngineHolder}), so it must be
 * thread-safe, and requests submitted by concurrent tasks may be batched together by the engine.
 */
public interface BatchCaptioner extends AutoCloseable {

    /**
     * Decodes and preprocesses one encoded image on the calling (task) thread.
     *
     * @param name how error messages name the image (its id)
     * @throws RuntimeException (usually {@code dvlcap.image.ImageDecodeException}) for a bad image; the
     *         caller turns it into an error row, it never fails the task
     */
    VisionInput prepare(byte[] encoded, String name);

    /**
     * Preprocesses an image that is already decoded (Spark's image data source decodes on its own),
     * on the calling (task) thread; {@link #prepare} is decoding followed by this.
     *
     * @param rgb an 8-bit sRGB {@code TYPE_INT_RGB} image
     */
    VisionInput preprocess(BufferedImage rgb);

    /**
     * Starts captioning every image of the batch; images that failed preparation pass through as
     * error outcomes. The engine takes the pixel arrays as they are (no copy), so the caller must
     * not change them afterwards.
     */
    PendingBatch submit(List<PreparedImage> images);

    /**
     * The model, backend and effective decoding settings recorded in every captions row (what the
     * engine actually runs with, not what was requested).
     */
    CaptionProvenance provenance();

    /** Releases the engine; called once, when the executor JVM ends. */
    @Override
    void close();
}
