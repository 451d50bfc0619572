package dvlcap.model;

import java.util.List;
import java.util.Objects;

/**
 * What a checkpoint says about how it is decoded: the special ids and the caption prompt. They
 * come from the model's own files, never from code.
 *
 * @param maskTokenId the embedding row used as the mask, or -1 for an autoregressive model
 * @param eosTokenIds ids that end an answer
 * @param blockSize the block size the model was trained with (1 for autoregressive models)
 * @param systemPrompt system message of the caption chat, or null for none (the template's default)
 * @param captionPrompt the user instruction that follows the image
 * @param imagePlaceholder the text that marks where image features are spliced
 * @param promptLayout how the image enters the user turn of the chat
 */
public record DecodingDefaults(int maskTokenId, List<Integer> eosTokenIds, int blockSize, String systemPrompt,
                               String captionPrompt, String imagePlaceholder, PromptLayout promptLayout) {

    public DecodingDefaults {
        Objects.requireNonNull(promptLayout, "promptLayout");
    }

    /** Defaults whose image is written into the user turn as {@code placeholder + "\n" + prompt}. */
    public DecodingDefaults(int maskTokenId, List<Integer> eosTokenIds, int blockSize, String systemPrompt,
                            String captionPrompt, String imagePlaceholder) {
        this(maskTokenId, eosTokenIds, blockSize, systemPrompt, captionPrompt, imagePlaceholder, PromptLayout.INLINE);
    }

    public boolean isDiffusion() {
        return maskTokenId >= 0;
    }

    public boolean isEos(int token) {
        return eosTokenIds.contains(token);
    }
}
