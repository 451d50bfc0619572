package dvlcap.model;

import java.util.List;

/**
 * What a checkpoint says about how it is decoded: the special ids and the caption prompt. They
 * come from the model's own files, never from code.
 *
 * @param maskTokenId the embedding row used as the mask, or -1 for an autoregressive model
 * @param eosTokenIds ids that end an answer
 * @param blockSize the block size the model was trained with (1 for autoregressive models)
 * @param systemPrompt system message of the caption chat, or null for none
 * @param captionPrompt the user instruction that follows the image
 * @param imagePlaceholder the text that marks where image features are spliced
 * @param imageMarkup what the user message carries for the image, directly followed by the caption
 *        prompt; it holds {@code imagePlaceholder} once. LLaVA (DiffusionVL): {@code "<image>\n"};
 *        Hugging Face Qwen2.5-VL: {@code "<|vision_start|><|image_pad|><|vision_end|>"}, the image rows
 *        taking the place of {@code <|image_pad|>}
 */
public record DecodingDefaults(int maskTokenId, List<Integer> eosTokenIds, int blockSize, String systemPrompt,
                               String captionPrompt, String imagePlaceholder, String imageMarkup) {

    public DecodingDefaults {
        int at = imageMarkup.indexOf(imagePlaceholder);
        if (imagePlaceholder.isEmpty() || at < 0 || imageMarkup.indexOf(imagePlaceholder, at + 1) >= 0) {
            throw new IllegalArgumentException("the image markup '" + imageMarkup + "' must hold the placeholder '"
                    + imagePlaceholder + "' exactly once");
        }
    }

    /** LLaVA's convention: the placeholder on a line of its own before the prompt. */
    public DecodingDefaults(int maskTokenId, List<Integer> eosTokenIds, int blockSize, String systemPrompt,
                            String captionPrompt, String imagePlaceholder) {
        this(maskTokenId, eosTokenIds, blockSize, systemPrompt, captionPrompt, imagePlaceholder,
                imagePlaceholder + "\n");
    }

    public boolean isDiffusion() {
        return maskTokenId >= 0;
    }

    public boolean isEos(int token) {
        return eosTokenIds.contains(token);
    }
}
