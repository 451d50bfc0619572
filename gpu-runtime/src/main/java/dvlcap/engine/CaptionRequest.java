package dvlcap.engine;

import dvlcap.image.VisionInput;

/**
 * One image to caption.
 *
 * @param id stable identity of the image (path or key): seeds sampling, names the result
 * @param image the preprocessed image, as made by the engine's {@link CaptionEngine#preprocessor()}
 * @param prompt user instruction, or null for the model's caption prompt
 */
public record CaptionRequest(String id, VisionInput image, String prompt) {
}
