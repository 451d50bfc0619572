package dvlcap.trainer;

/**
 * One image and its chat, tokenized.
 *
 * @param pixels preprocessed image, channels-first [3, S, S]
 * @param prompt the chat up to the answer, image rows spliced in as {@link LmInput#imageRow}
 * @param answer the caption's tokens followed by the end-of-answer token (EOS)
 */
public record CaptionSample(String id, float[] pixels, int[] prompt, int[] answer) {
}
