package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Projection;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelConfig;
import dvlcap.model.VisionConfig;
import dvlcap.model.WeightSource;

/**
 * The SigLIP-style ViT up to the selected feature layer, followed by the 2-layer GELU projector:
 * pixels in, one LM-width row per patch out. As a {@link VisionEncoder} it takes one tile
 * ({@code square} or {@code pad} images).
 */
public final class VisionTower implements VisionEncoder {
    static final String PREFIX = "model.vision_tower.vision_tower.vision_model.";
    private static final int PATCHES = 0, H = 1, NORMED = 2, Q = 3, K = 4, V = 5, ATT = 6, OUT = 7, MLP = 8, P1 = 9,
            FEATURES = 10, POS = 11, SLOTS = 12;

    private final Backend b;
    private final VisionConfig c;
    private final int lmHidden;
    private final Weight patch;
    private final Tensor patchBias;
    private final Tensor position;
    private final VisionLayer[] layers;
    private final Weight proj1, proj2;
    private final Tensor proj1B, proj2B;
    private final Scratch scratch;

    VisionTower(Backend backend, ModelConfig config, WeightSource source) {
        this.b = backend;
        this.c = config.vision();
        this.lmHidden = config.text().hiddenSize();
        WeightLoader w = new WeightLoader(backend, source);
        int vh = c.hiddenSize();
        patch = w.patchMatrix(PREFIX + "embeddings.patch_embedding.weight", vh, c.numChannels(), c.patchSize());
        patchBias = w.vector(PREFIX + "embeddings.patch_embedding.bias", vh);
        position = w.vector2(PREFIX + "embeddings.position_embedding.weight", c.numPatches(), vh);
        layers = new VisionLayer[config.visionLayersToRun()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = VisionLayer.load(w, c, PREFIX, i);
        }
        proj1 = w.matrix("model.mm_projector.0.weight", lmHidden, vh);
        proj1B = w.vector("model.mm_projector.0.bias", lmHidden);
        proj2 = w.matrix("model.mm_projector.2.weight", lmHidden, lmHidden);
        proj2B = w.vector("model.mm_projector.2.bias", lmHidden);
        scratch = new Scratch(backend, SLOTS);
    }

    /** Rows this tower produces per tile. */
    public int tokens() {
        return c.numPatches();
    }

    @Override
    public int tokens(VisionInput image) {
        checkTile(image);
        return tokens();
    }

    @Override
    public Tensor encode(VisionInput image) {
        checkTile(image);
        return encode(image.pixels());
    }

    private void checkTile(VisionInput image) {
        int size = c.imageSize(), ch = c.numChannels();
        if (image.gridRows() != 1 || image.gridCols() != 1 || image.pixels().length != ch * size * size) {
            throw new IllegalArgumentException("the vision tower takes one " + ch + "x" + size + "x" + size
                    + " tile, got " + image.pixels().length + " values in a " + image.gridRows() + "x"
                    + image.gridCols() + " grid");
        }
    }

    /**
     * Encodes one preprocessed tile ({@code [channels, size, size]}) into a new tensor of
     * {@code tokens() x lmHidden}, owned by the caller.
     */
    public Tensor encode(float[] pixels) {
        int size = c.imageSize(), p = c.patchSize(), ch = c.numChannels(), grid = c.gridSize();
        if (pixels.length != ch * size * size) {
            throw new IllegalArgumentException("image has " + pixels.length + " values, the tower expects "
                    + ch + "x" + size + "x" + size);
        }
        int n = c.numPatches(), vh = c.hiddenSize(), pd = ch * p * p;
        // Unfold into patch rows in the conv weight's (c, y, x) order.
        float[] rows = new float[n * pd];
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                int base = (gy * grid + gx) * pd;
                for (int k = 0; k < ch; k++) {
                    for (int y = 0; y < p; y++) {
                        int src = (k * size + gy * p + y) * size + gx * p;
                        System.arraycopy(pixels, src, rows, base + (k * p + y) * p, p);
                    }
                }
            }
        }
        Tensor patches = scratch.get(PATCHES, n * pd);
        b.write(patches, 0, rows, 0, rows.length);
        Tensor h = scratch.get(H, n * vh);
        b.matmul(h, patches, patch, patchBias, n);
        b.add(h, position, n * vh);

        Tensor normed = scratch.get(NORMED, n * vh), q = scratch.get(Q, n * vh), k = scratch.get(K, n * vh),
                v = scratch.get(V, n * vh), att = scratch.get(ATT, n * vh), out = scratch.get(OUT, n * vh),
                mlp = scratch.get(MLP, n * c.intermediateSize());
        for (VisionLayer l : layers) {
            b.layerNorm(normed, h, l.ln1W(), l.ln1B(), n, vh, c.layerNormEps());
            b.matmuls(normed, n, new Projection(q, l.q(), l.qB()), new Projection(k, l.k(), l.kB()),
                    new Projection(v, l.v(), l.vB()));
            b.attention(att, q, 0, n, k, v, n, 0, Integer.MAX_VALUE, c.numHeads(), c.numHeads(), c.headDim());
            b.matmul(out, att, l.o(), l.oB(), n);
            b.add(h, out, n * vh);
            b.layerNorm(normed, h, l.ln2W(), l.ln2B(), n, vh, c.layerNormEps());
            b.matmul(mlp, normed, l.fc1(), l.fc1B(), n);
            b.gelu(mlp, n * c.intermediateSize(), c.geluTanh());
            b.matmul(out, mlp, l.fc2(), l.fc2B(), n);
            b.add(h, out, n * vh);
        }
        Tensor p1 = scratch.get(P1, n * lmHidden);
        b.matmul(p1, h, proj1, proj1B, n);
        b.gelu(p1, n * lmHidden, false);
        Tensor features = b.allocate(n * lmHidden);
        b.matmul(features, p1, proj2, proj2B, n);
        return features;
    }

    @Override
    public void close() {
        for (VisionLayer l : layers) {
            l.close();
        }
        Closeables.closeAll(patch, patchBias, position, proj1, proj1B, proj2, proj2B, scratch);
    }
}
