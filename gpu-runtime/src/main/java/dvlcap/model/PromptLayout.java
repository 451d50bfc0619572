package dvlcap.model;

/**
 * How the image enters a caption chat, which decides the text the chat template renders around it.
 */
public enum PromptLayout {
    /**
     * The user turn is the string {@code placeholder + "\n" + prompt} and the image replaces the placeholder
     * text, which is not a token (LLaVA and DiffusionVL: {@code <image>}, split off by
     * {@code tokenizer_image_token}).
     */
    INLINE("inline"),
    /**
     * The user turn is a list of parts, {@code [{"type": "image"}, {"type": "text", "text": prompt}]}, as
     * Hugging Face processors pass it; the template writes the image markers (Qwen2.5-VL:
     * {@code <|vision_start|><|image_pad|><|vision_end|>}) and the image features replace the placeholder
     * token, the one {@code <|image_pad|>} that the processor would repeat once per image token.
     */
    CONTENT_PARTS("content_parts");

    private final String key;

    PromptLayout(String key) {
        this.key = key;
    }

    /** The value of the {@code prompt_layout} config key. */
    public String key() {
        return key;
    }

    /** The layout a {@code prompt_layout} value names, or null for an unknown one. */
    public static PromptLayout byKey(String key) {
        for (PromptLayout l : values()) {
            if (l.key.equals(key)) {
                return l;
            }
        }
        return null;
    }
}
