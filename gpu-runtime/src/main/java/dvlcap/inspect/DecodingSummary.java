package dvlcap.inspect;

import java.util.List;

/**
 * How the model is decoded by default, from its config, tokenizer and chat template.
 *
 * @param mode "block diffusion" or "autoregressive"
 * @param maskToken the mask id's token text, or null when the id is an embedding row outside the tokenizer
 * @param eosTokens the EOS ids' token texts (null where an id has none)
 * @param chatTemplate the file the chat template comes from, or null when none was found
 * @param prompt the caption prompt as rendered, or null when it cannot be (see the unsupported list)
 * @param promptTokensBefore tokens before the image, or -1
 * @param promptTokensAfter tokens after the image, or -1
 */
public record DecodingSummary(String mode, int maskTokenId, String maskToken, int blockSize, List<Integer> eosTokenIds,
                              List<String> eosTokens, String systemPrompt, String captionPrompt,
                              String imagePlaceholder, String imageMarkup, String chatTemplate, String prompt,
                              int promptTokensBefore, int promptTokensAfter) {
    public DecodingSummary {
        eosTokenIds = List.copyOf(eosTokenIds);
        eosTokens = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(eosTokens));
    }

    public boolean isDiffusion() {
        return maskTokenId >= 0;
    }
}
