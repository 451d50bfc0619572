package dvlcap.model;

/** A SigLIP-style ViT tower's shape ({@code SiglipVisionConfig}). */
public record VisionConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int imageSize,
                           int patchSize, int numChannels, float layerNormEps, boolean geluTanh) {

    public VisionConfig {
        TextConfig.require(patchSize > 0 && imageSize >= patchSize, "image_size " + imageSize
                + " is smaller than patch_size " + patchSize);
        TextConfig.require(hiddenSize % numHeads == 0, "vision hidden_size must divide by num_attention_heads");
    }

    /** Patches per side; like the stride-p convolution, a remainder (384 = 27 x 14 + 6) is dropped. */
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
