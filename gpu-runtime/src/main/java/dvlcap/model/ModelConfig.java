package dvlcap.model;

/**
 * A model's configuration, read from {@code config.json}.
 *
 * @param family model family name: {@code llava-qwen2} or {@code qwen2.5-vl}
 * @param vision the SigLIP-style tower of a llava-qwen2 model; null for qwen2.5-vl
 * @param projectorHidden width of the vision side's output rows (the LM hidden size)
 * @param imageAspectRatio LLaVA's {@code image_aspect_ratio}: {@code square}, {@code pad}, {@code anyres}
 *        or {@code anyres_max_N}; {@code native} for qwen2.5-vl, whose images keep their aspect ratio
 * @param visionFeatureLayer index into the tower's hidden states (negative counts from the end,
 *        as in {@code mm_vision_select_layer}; -2 is the penultimate layer)
 * @param tiling anyres tiling and {@code mm_patch_merge_type} (agrees with {@code imageAspectRatio});
 *        {@link ImageTiling#none()} for qwen2.5-vl
 * @param qwenVl the qwen2.5-vl side (tower, positions, release); null for llava-qwen2
 */
public record ModelConfig(String family, TextConfig text, VisionConfig vision, int projectorHidden,
                          int visionFeatureLayer, DecodingDefaults decoding, String imageAspectRatio,
                          ImageTiling tiling, QwenVlConfig qwenVl) {
    public static final String LLAVA_QWEN2 = "llava-qwen2";
    public static final String QWEN2_5_VL = "qwen2.5-vl";

    public ModelConfig {
        if (tiling == null) {
            throw new IllegalArgumentException("tiling must not be null (ImageTiling.none() for untiled images)");
        }
    }

    /** A llava-qwen2 config. */
    public ModelConfig(String family, TextConfig text, VisionConfig vision, int projectorHidden,
                       int visionFeatureLayer, DecodingDefaults decoding, String imageAspectRatio, ImageTiling tiling) {
        this(family, text, vision, projectorHidden, visionFeatureLayer, decoding, imageAspectRatio, tiling, null);
    }

    /** An untiled config ({@code square} or {@code pad}) whose features are merged {@code flat}. */
    public ModelConfig(String family, TextConfig text, VisionConfig vision, int projectorHidden,
                       int visionFeatureLayer, DecodingDefaults decoding, String imageAspectRatio) {
        this(family, text, vision, projectorHidden, visionFeatureLayer, decoding, imageAspectRatio, ImageTiling.none());
    }

    /** A config whose images are resized to a square ({@code image_aspect_ratio: square}). */
    public ModelConfig(String family, TextConfig text, VisionConfig vision, int projectorHidden,
                       int visionFeatureLayer, DecodingDefaults decoding) {
        this(family, text, vision, projectorHidden, visionFeatureLayer, decoding, "square");
    }

    /** A qwen2.5-vl config: the tower and merger are in {@code qwenVl}, their rows as wide as the LM. */
    public static ModelConfig qwenVl(TextConfig text, DecodingDefaults decoding, QwenVlConfig qwenVl) {
        return new ModelConfig(QWEN2_5_VL, text, null, text.hiddenSize(), -1, decoding, "native", ImageTiling.none(),
                qwenVl);
    }

    public boolean isQwenVl() {
        return qwenVl != null;
    }

    /** Number of encoder layers to run to reach the selected feature layer. */
    public int visionLayersToRun() {
        requireLlava("visionLayersToRun");
        int states = vision.numLayers() + 1; // embeddings + one per layer
        int idx = visionFeatureLayer < 0 ? states + visionFeatureLayer : visionFeatureLayer;
        if (idx < 0 || idx >= states) {
            throw new IllegalArgumentException("mm_vision_select_layer " + visionFeatureLayer + " outside the "
                    + states + " hidden states of a " + vision.numLayers() + "-layer tower");
        }
        return idx;
    }

    /**
     * Number of LM tokens one untiled llava-qwen2 image becomes with {@code flat} merging; a tiled
     * image's count, and a qwen2.5-vl image's, depends on its size (ask the model's vision encoder).
     */
    public int imageTokens() {
        requireLlava("imageTokens");
        return vision.numPatches();
    }

    private void requireLlava(String what) {
        if (vision == null) {
            throw new IllegalStateException(what + " is a llava-qwen2 notion; this is a " + family + " model");
        }
    }
}
