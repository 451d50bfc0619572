package dvlcap.trainer;

import dvlcap.model.ModelConfig;
import dvlcap.model.VisionConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * SigLIP tower up to the selected feature layer: patch embedding, then as many encoder layers as
 * {@code mm_vision_select_layer} asks for (-2: all but the last), no post_layernorm.
 */
public final class VisionTower {
    public static final String PREFIX = "model.vision_tower.vision_tower.vision_model.";

    private final VisionConfig c;
    private final PatchEmbedding embedding;
    private final List<SiglipLayer> layers = new ArrayList<>();
    private final int run;

    public VisionTower(ModelConfig config) {
        this.c = config.vision();
        this.embedding = new PatchEmbedding(PREFIX + "embeddings.", c);
        for (int i = 0; i < c.numLayers(); i++) {
            layers.add(SiglipLayer.of(PREFIX + "encoder.layers." + i, c.hiddenSize(), c.intermediateSize(), c.numHeads(),
                    c.layerNormEps()));
        }
        this.run = config.visionLayersToRun();
    }

    public record Saved(float[] patches, List<SiglipLayer.Saved> layers, float[] features) {
    }

    /** Declares every tensor of the tower, including the layers and norm that the features skip. */
    public void declare(Parameters p) {
        embedding.declare(p);
        layers.forEach(l -> l.declare(p));
        LayerNorm.of(PREFIX + "post_layernorm", c.hiddenSize(), c.layerNormEps()).declare(p);
    }

    /** Tensor names the selected features never read: they keep their initial values. */
    public List<String> unusedPrefixes() {
        List<String> out = new ArrayList<>();
        for (int i = run; i < layers.size(); i++) {
            out.add(PREFIX + "encoder.layers." + i + ".");
        }
        out.add(PREFIX + "post_layernorm.");
        return out;
    }

    public Saved forward(Parameters p, float[] pixels) {
        float[] patches = embedding.patches(pixels);
        float[] h = embedding.forward(p, patches);
        List<SiglipLayer.Saved> saved = new ArrayList<>();
        for (int i = 0; i < run; i++) {
            SiglipLayer.Saved s = layers.get(i).forward(p, h, c.numPatches());
            saved.add(s);
            h = s.out();
        }
        return new Saved(patches, saved, h);
    }

    public void backward(Parameters p, Parameters g, Saved s, float[] dFeatures) {
        float[] dh = dFeatures;
        for (int i = run - 1; i >= 0; i--) {
            dh = layers.get(i).backward(p, g, s.layers.get(i), dh, c.numPatches());
        }
        embedding.backward(g, s.patches, dh);
    }
}
