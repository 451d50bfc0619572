package dvlcap.trainer;

import dvlcap.model.VisionConfig;

/**
 * SigLIP's stride-p convolution as a matrix product: patch (gy, gx), row-major, becomes the vector
 * {@code c*p*p + y*p + x} of the channels-first image, times the conv weight seen as
 * [hidden, 3*p*p], plus bias, plus the learned position embedding of the patch.
 */
public record PatchEmbedding(String prefix, VisionConfig c) {

    private Linear conv() {
        int p = c.patchSize();
        return new Linear(prefix + "patch_embedding.weight", prefix + "patch_embedding.bias",
                c.numChannels() * p * p, c.hiddenSize());
    }

    private String positions() {
        return prefix + "position_embedding.weight";
    }

    public void declare(Parameters p) {
        int ps = c.patchSize();
        p.add(prefix + "patch_embedding.weight", c.hiddenSize(), c.numChannels(), ps, ps);
        p.add(prefix + "patch_embedding.bias", c.hiddenSize());
        p.add(positions(), c.numPatches(), c.hiddenSize());
    }

    /** Pixels [channels, S, S] to patch vectors [numPatches, channels*p*p]. */
    public float[] patches(float[] pixels) {
        int p = c.patchSize(), grid = c.gridSize(), s = c.imageSize(), ch = c.numChannels();
        if (pixels.length != ch * s * s) {
            throw new IllegalArgumentException("expected " + ch + "x" + s + "x" + s + " pixels, got " + pixels.length);
        }
        int width = ch * p * p;
        float[] out = new float[c.numPatches() * width];
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                int row = (gy * grid + gx) * width;
                for (int k = 0; k < ch; k++) {
                    for (int y = 0; y < p; y++) {
                        System.arraycopy(pixels, k * s * s + (gy * p + y) * s + gx * p, out, row + k * p * p + y * p, p);
                    }
                }
            }
        }
        return out;
    }

    public float[] forward(Parameters p, float[] patches) {
        float[] h = conv().forward(p, patches, c.numPatches());
        SelfAttention.add(h, p.get(positions()));
        return h;
    }

    /** Accumulates the conv and position gradients (pixels need none). */
    public void backward(Parameters g, float[] patches, float[] dh) {
        Blas.matmulTN(dh, patches, g.get(conv().weight()), g.get(conv().bias()), c.numPatches(), conv().in(), conv().out());
        SelfAttention.add(g.get(positions()), dh);
    }
}
