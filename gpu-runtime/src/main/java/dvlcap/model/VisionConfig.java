package dvlcap.model;

/** A SigLIP-style ViT tower's shape ({@code SiglipVisionConfig}). */
public record VisionConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int imageSize,
                           int patchSize, int numChannels, float layerNormEps, boolean geluTanh) {

    public VisionConfig {
        TextConfig.require(imageSize % patchSize == 0, "image_size " + imageSize
                + " is not a multiple of patch_size " + patchSize);
        TextConfig.require(hiddenSize % numHeads == 0, "vision hidden_size must divide by num_attention_heads");
    }

    public int gridSize() {
        return imageSize / patchSize;
    }

    public int numPatches() {
        return gridSize() * gridSize();
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** The published shape of SigLIP(2)-so400m-patch14-384, for checkpoints that only name their tower. */
    public static VisionConfig so400mPatch14At384() {
        return new VisionConfig(1152, 4304, 27, 16, 384, 14, 3, 1e-6f, true);
    }
}
