package dvlcap.model;

/**
 * A llava-qwen2 model's configuration, read from {@code config.json}.
 *
 * @param family model family name, e.g. {@code llava-qwen2}
 * @param imageAspectRatio LLaVA's {@code image_aspect_ratio}: {@code square}, {@code pad}, {@code anyres}
 *        or {@code anyres_max_N}
 * @param visionFeatureLayer index into the tower's hidden states (negative counts from the end,
 *        as in {@code mm_vision_select_layer}; -2 is the penultimate layer)
 * @param tiling anyres tiling and {@code mm_patch_merge_type} (agrees with {@code imageAspectRatio})
 */
public record ModelConfig(String family, TextConfig text, VisionConfig vision, int projectorHidden,
                          int visionFeatureLayer, DecodingDefaults decoding, String imageAspectRatio,
                          ImageTiling tiling) {

    public ModelConfig {
        if (tiling == null) {
            throw new IllegalArgumentException("tiling must not be null (ImageTiling.none() for untiled images)");
        }
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

    /** Number of encoder layers to run to reach the selected feature layer. */
    public int visionLayersToRun() {
        int states = vision.numLayers() + 1; // embeddings + one per layer
        int idx = visionFeatureLayer < 0 ? states + visionFeatureLayer : visionFeatureLayer;
        if (idx < 0 || idx >= states) {
            throw new IllegalArgumentException("mm_vision_select_layer " + visionFeatureLayer + " outside the "
                    + states + " hidden states of a " + vision.numLayers() + "-layer tower");
        }
        return idx;
    }

    /**
     * Number of LM tokens one untiled image becomes with {@code flat} merging; a tiled image's count
     * depends on its size (ask the model's vision encoder).
     */
    public int imageTokens() {
        return vision.numPatches();
    }
}
