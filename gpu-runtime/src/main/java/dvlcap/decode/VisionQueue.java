package dvlcap.decode;

import dvlcap.backend.Tensor;
import dvlcap.nn.VisionEncoder;

/**
 * The captions waiting for admission, in order, each with its image's LM rows made ready: either
 * when admission takes it, on the scheduler's thread ({@link #inline}), or ahead of time on a
 * thread of their own ({@link #ahead}). Every method is called from the scheduler's thread.
 *
 * <p>Ownership: an image handed out by {@link #take()} belongs to the caller; one made for a job
 * that is {@link #poll() dropped}, or still held at {@link #close()}, is closed here.
 */
public interface VisionQueue extends AutoCloseable {

    /** A job's image rows ({@code null} for a job without an image) and the ms its encoding took. */
    record Encoded(Tensor image, double visionMs) {
    }

    /** Encodes on the scheduler's thread when a job is taken; {@code vision} may be null (no tower). */
    static VisionQueue inline(VisionEncoder vision) {
        return new InlineVision(vision);
    }

    /**
     * Encodes on a thread of its own, in queue order, holding at most {@code capacity} encoded images
     * not yet taken. {@code vision} (and its backend) is then used by that thread alone.
     */
    static VisionQueue ahead(VisionEncoder vision, int capacity) {
        return new VisionWorker(vision, capacity);
    }

    void add(Scheduler.Job job);

    /** Puts a job back at the front (a sequence that must restart); its image is made again. */
    void addFirst(Scheduler.Job job);

    Scheduler.Job peek();

    /** Removes the first job, freeing whatever was made for it; null when empty. */
    Scheduler.Job poll();

    boolean isEmpty();

    int size();

    /**
     * Whether {@link #take()} would hand the first job over without waiting for another thread
     * (always, when encoding happens in {@code take}); with {@code block}, waits until it would.
     */
    boolean headReady(boolean block);

    /**
     * Removes the first job and returns its image rows, encoding them now if that is how this queue
     * works. Throws what encoding threw; the job is removed either way.
     */
    Encoded take();

    /** Stops any encoding thread and frees every image still held. */
    @Override
    void close();
}
