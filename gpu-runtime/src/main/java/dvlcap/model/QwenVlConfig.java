package dvlcap.model;

/**
 * What a qwen2.5-vl checkpoint adds to the Qwen2 LM: its release, the vision tower, the position
 * scheme and the vision token ids of its prompt.
 *
 * @param release whose checkpoint this is (tensor names, prompt format and decoding facts differ)
 * @param mropeSection M-RoPE's split of the rotary frequencies between the temporal, height and width
 *        positions ({@code mrope_section}, [16, 24, 24] for head dim 128), or null for plain 1-D positions
 *        (DiffusionVL feeds {@code arange} to all three, which is ordinary RoPE)
 * @param imageTokenId {@code <|image_pad|>} ({@code image_token_id}, 151655)
 * @param visionStartTokenId {@code <|vision_start|>} (151652)
 * @param visionEndTokenId {@code <|vision_end|>} (151653)
 */
public record QwenVlConfig(Release release, QwenVisionConfig vision, int[] mropeSection, int imageTokenId,
                           int visionStartTokenId, int visionEndTokenId) {

    /** The releases whose config.json and weights load as they are stored. */
    public enum Release {
        /** Qwen2.5-VL-3B/7B-Instruct ({@code Qwen2_5_VLForConditionalGeneration}), the AR parents: M-RoPE. */
        QWEN2_5_VL,
        /** DiffusionVL-Qwen2.5VL-3B/7B ({@code model_type diffusionvl_qwenvl}): LLaVA prompt, 1-D positions. */
        DIFFUSIONVL,
        /** Fast-dVLM-3B ({@code Fast_dVLMForConditionalGeneration}): Qwen2.5-VL's prompt and M-RoPE kept. */
        FAST_DVLM
    }

    public QwenVlConfig {
        mropeSection = mropeSection == null ? null : mropeSection.clone();
    }

    @Override
    public int[] mropeSection() {
        return mropeSection == null ? null : mropeSection.clone();
    }

    public boolean usesMrope() {
        return mropeSection != null;
    }
}
