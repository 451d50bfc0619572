package dvlcap.engine;

/**
 * One image to caption.
 *
 * @param id stable identity of the image (path or key): seeds sampling, names the result
 * @param pixels preprocessed image, channels-first {@code [3, size, size]}, as made by the model's
 *        {@code ImagePreprocessor}
 * @param prompt user instruction, or null for the model's caption prompt
 */
public record CaptionRequest(String id, float[] pixels, String prompt) {
}
