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
 * @param causalLm whether the model was also trained with the causal-LM loss on its clean half
 *        (Fast-dVLM's recipe; {@code causal_lm_loss} in config.json): it then decodes
 *        autoregressively with shifted logits and can verify its own drafts (speculative decoding)
 */
public record DecodingDefaults(int maskTokenId, List<Integer> eosTokenIds, int blockSize, String systemPrompt,
                               String captionPrompt, String imagePlaceholder, boolean causalLm) {

    /** Defaults of a model trained without the causal-LM loss (DiffusionVL's recipe). */
    public DecodingDefaults(int maskTokenId, List<Integer> eosTokenIds, int blockSize, String systemPrompt,
                            String captionPrompt, String imagePlaceholder) {
        this(maskTokenId, eosTokenIds, blockSize, systemPrompt, captionPrompt, imagePlaceholder, false);
    }

    public boolean isDiffusion() {
        return maskTokenId >= 0;
    }

    public boolean isEos(int token) {
        return eosTokenIds.contains(token);
    }
}
