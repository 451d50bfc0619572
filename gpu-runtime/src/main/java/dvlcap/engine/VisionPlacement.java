package dvlcap.engine;

import dvlcap.backend.Backend;
import dvlcap.decode.VisionQueue;
import dvlcap.nn.VisionEncoder;

/**
 * Where a model's vision tower runs: the one place that decides.
 *
 * <p>On a backend with a {@link Backend#sibling()} (the CPU backends: heap tensors) the tower is
 * loaded on that sibling and encodes on a thread of its own, up to {@code capacity} images ahead
 * of admission, so decoding never stops for an image. Otherwise (CUDA: the tower shares the
 * decoder's device context, its memory budget and the rule that a vision out-of-memory beside
 * running sequences waits for them) or with a capacity of 0, each image is encoded at admission on
 * the decoding thread.
 */
public final class VisionPlacement implements AutoCloseable {
    /** The tower's own backend, or null: the LM's, on the decoding thread. */
    private final Backend own;
    private final int capacity;

    private VisionPlacement(Backend own, int capacity) {
        this.own = own;
        this.capacity = capacity;
    }

    /** Decides for an LM on {@code lm} with {@code capacity} images ahead at most (0: none). */
    public static VisionPlacement choose(Backend lm, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("vision queue must be >= 0 images, got " + capacity);
        }
        return new VisionPlacement(capacity == 0 ? null : lm.sibling().orElse(null), capacity);
    }

    /** Whether images are encoded on a thread of their own. */
    public boolean ownThread() {
        return own != null;
    }

    /** The backend to load the vision tower on. */
    public Backend backend(Backend lm) {
        return own == null ? lm : own;
    }

    /** The scheduler's queue for a tower loaded on {@link #backend}; null {@code vision}: LM alone. */
    public VisionQueue queue(VisionEncoder vision) {
        return own == null || vision == null ? VisionQueue.inline(vision) : VisionQueue.ahead(vision, capacity);
    }

    /** For logs: where images are encoded. */
    public String describe() {
        return own == null ? "at admission on the decoding thread"
                : "on their own thread (" + own.name() + "), up to " + capacity + " ahead";
    }

    /** Closes the tower's own backend; after the tower and the queue's thread are done with it. */
    @Override
    public void close() {
        if (own != null) {
            own.close();
        }
    }
}
