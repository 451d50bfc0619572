package dvlcap.nn;

import dvlcap.backend.Tensor;
import dvlcap.image.VisionInput;

/**
 * A family's vision side (tower, merger or projector, tiling): a preprocessed image in, one
 * LM-width row per image token out.
 */
public interface VisionEncoder extends AutoCloseable {

    /**
     * How many LM rows {@code image} becomes. Throws {@link IllegalArgumentException} when the input
     * does not fit this encoder (wrong pixel count or geometry), naming what was expected.
     */
    int tokens(VisionInput image);

    /**
     * Encodes one image into a new tensor of {@code tokens(image) x lmHidden}, owned by the caller.
     * Throws {@link IllegalArgumentException} as {@link #tokens} does.
     */
    Tensor encode(VisionInput image);

    @Override
    void close();
}
