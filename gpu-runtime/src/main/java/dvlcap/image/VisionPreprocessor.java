package dvlcap.image;

import java.awt.image.BufferedImage;

/**
 * Turns a decoded RGB image into what the model's vision encoder takes, exactly as the family's
 * Hugging Face image processor does. Implementations are thread-safe and stateless after
 * construction.
 */
public interface VisionPreprocessor {

    /**
     * Preprocesses one decoded image. An image the family cannot take (too small, say) is an
     * {@link ImageDecodeException} naming why, so that it becomes an error row.
     */
    VisionInput preprocess(BufferedImage image);
}
