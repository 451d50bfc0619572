package dvlcap.trainer;

/**
 * The sizes of a model trained from scratch (everything but the vocabulary, which comes from
 * the corpus). {@link #DEFAULT} is the embedded model; {@link #MICRO} keeps tests fast.
 */
public record ModelShape(int imageSize, int patchSize, int visionHidden, int visionLayers, int visionHeads,
                         int visionIntermediate, int hidden, int layers, int heads, int kvHeads, int intermediate,
                         double ropeTheta, double rmsNormEps, int maxPositions) {

    /** 64 patches of 8x8; a 3-layer tower read at layer -2 (2 layers run); a 4-layer GQA LM. */
    public static final ModelShape DEFAULT = new ModelShape(64, 8, 64, 3, 4, 256, 128, 4, 4, 2, 384,
            10000, 1e-6, 512);

    /** For tests: 16 patches of 16x16, hidden 32, two LM layers. */
    public static final ModelShape MICRO = new ModelShape(64, 16, 32, 2, 2, 64, 32, 2, 4, 2, 64, 10000, 1e-6, 512);

    public static ModelShape named(String name) {
        return switch (name) {
            case "default" -> DEFAULT;
            case "micro" -> MICRO;
            default -> throw new IllegalArgumentException("unknown shape '" + name + "' (default or micro)");
        };
    }

    public int numPatches() {
        int g = imageSize / patchSize;
        return g * g;
    }
}
