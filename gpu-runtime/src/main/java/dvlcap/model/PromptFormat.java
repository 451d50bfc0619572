package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The caption chat of a checkpoint: system message, image placeholder and layout. dvlcap's own config keys
 * ({@code system_prompt}, {@code image_placeholder}, {@code prompt_layout}) win; a released checkpoint has
 * none of them, and gets the chat its release's own code builds:
 * <ul>
 *   <li>DiffusionVL ({@code model_type} {@code diffusionvl_qwen} or {@code diffusionvl_qwenvl}): its
 *       conversation template {@code qwen_2_5}, i.e. the system message "You are Qwen, created by Alibaba
 *       Cloud. You are a helpful assistant." and the user turn {@code "<image>\n" + prompt}, the image spliced
 *       at {@code <image>} (not a token) with no vision start/end tokens;</li>
 *   <li>the qwen2.5-vl family otherwise (Qwen2.5-VL-Instruct, Fast-dVLM): the Hugging Face processor's chat,
 *       the user turn {@code [image, text]} rendered by the model's template (whose default system message
 *       applies), the features replacing {@code <|image_pad|>};</li>
 *   <li>anything else (LLaVA-style): the template's default system message and {@code "<image>\n" + prompt}.</li>
 * </ul>
 */
public record PromptFormat(String systemPrompt, String imagePlaceholder, PromptLayout layout) {
    public static final String DIFFUSIONVL_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
    public static final String LLAVA_PLACEHOLDER = "<image>";
    public static final String QWEN_VL_IMAGE_PAD = "<|image_pad|>";

    /** The chat the release's code builds, before the config's own keys are applied. */
    public static PromptFormat releaseDefault(String family, JsonNode root) {
        String modelType = root.path("model_type").asText("");
        if (modelType.startsWith("diffusionvl")) {
            return new PromptFormat(DIFFUSIONVL_SYSTEM, LLAVA_PLACEHOLDER, PromptLayout.INLINE);
        }
        if (family.equals("qwen2.5-vl")) {
            return new PromptFormat(null, QWEN_VL_IMAGE_PAD, PromptLayout.CONTENT_PARTS);
        }
        return new PromptFormat(null, LLAVA_PLACEHOLDER, PromptLayout.INLINE);
    }

    /**
     * The chat of a config: its {@code system_prompt} (a JSON null means the template's default),
     * {@code image_placeholder} and {@code prompt_layout} where present, else the release's. Bad values are
     * {@link IllegalArgumentException}s naming the key.
     */
    public static PromptFormat read(String family, JsonNode root) {
        PromptFormat d = releaseDefault(family, root);
        String system = d.systemPrompt;
        if (root.has("system_prompt")) {
            JsonNode s = root.get("system_prompt");
            if (!s.isNull() && !s.isTextual()) {
                throw new IllegalArgumentException("system_prompt must be a string or null, got " + s);
            }
            system = s.isNull() ? null : s.asText();
        }
        String placeholder = d.imagePlaceholder;
        if (root.has("image_placeholder")) {
            JsonNode p = root.get("image_placeholder");
            if (!p.isTextual() || p.asText().isEmpty()) {
                throw new IllegalArgumentException("image_placeholder must be a non-empty string, got " + p);
            }
            placeholder = p.asText();
        }
        PromptLayout layout = d.layout;
        if (root.has("prompt_layout")) {
            layout = PromptLayout.byKey(root.get("prompt_layout").asText());
            if (layout == null) {
                throw new IllegalArgumentException("prompt_layout " + root.get("prompt_layout") + " is not supported ("
                        + Arrays.stream(PromptLayout.values()).map(PromptLayout::key).collect(Collectors.joining(", "))
                        + " are)");
            }
        }
        return new PromptFormat(system, placeholder, layout);
    }
}
