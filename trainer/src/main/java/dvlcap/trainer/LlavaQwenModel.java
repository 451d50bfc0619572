package dvlcap.trainer;

import dvlcap.model.ModelConfig;
import dvlcap.model.TextConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole llava-qwen2 model on the CPU, forward and backward, per docs/SPEC-weights.md: SigLIP
 * tower to the selected layer, mlp2x_gelu projector, Qwen2 decoder, final RMSNorm, lm_head
 * (tied to the embedding when the config says so). Stateless apart from the shape, so one
 * instance serves every thread.
 */
public final class LlavaQwenModel {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private final ModelConfig config;
    private final TextConfig t;
    private final VisionTower vision;
    private final GeluMlp projector;
    private final List<Qwen2Layer> layers = new ArrayList<>();
    private final RmsNorm finalNorm;

    public LlavaQwenModel(ModelConfig config) {
        this.config = config;
        this.t = config.text();
        this.vision = new VisionTower(config);
        int vh = config.vision().hiddenSize(), h = t.hiddenSize();
        this.projector = new GeluMlp(Linear.of("model.mm_projector.0", vh, h, true), Linear.of("model.mm_projector.2", h, h, true),
                Gelu.ERF);
        for (int i = 0; i < t.numLayers(); i++) {
            layers.add(Qwen2Layer.of(i, t));
        }
        this.finalNorm = new RmsNorm("model.norm.weight", h, t.rmsNormEps());
    }

    public ModelConfig config() {
        return config;
    }

    /** Every tensor of the checkpoint, zero (norm weights one); see {@link Initializer}. */
    public Parameters declare() {
        Parameters p = new Parameters();
        p.add(EMBED, t.vocabSize(), t.hiddenSize());
        layers.forEach(l -> l.declare(p));
        finalNorm.declare(p);
        if (!t.tieWordEmbeddings()) {
            p.add(LM_HEAD, t.vocabSize(), t.hiddenSize());
        }
        vision.declare(p);
        projector.declare(p);
        return p;
    }

    /** Prefixes of tensors that no forward pass reads (vision layers past the feature layer). */
    public List<String> unusedPrefixes() {
        return vision.unusedPrefixes();
    }

    private String head() {
        return t.tieWordEmbeddings() ? EMBED : LM_HEAD;
    }

    private record Saved(VisionTower.Saved vision, GeluMlp.Saved projector, List<Qwen2Layer.Saved> layers,
                         RmsNorm.Saved norm, float[] hidden) {
    }

    private Saved forward(Parameters p, float[] pixels, LmInput in) {
        int len = in.length(), h = t.hiddenSize();
        VisionTower.Saved vs = null;
        GeluMlp.Saved ps = null;
        if (in.hasImage()) {
            vs = vision.forward(p, pixels);
            ps = projector.forward(p, vs.features(), config.imageTokens());
        }
        float[] x = new float[len * h];
        float[] embed = p.get(EMBED);
        for (int r = 0; r < len; r++) {
            int tok = in.tokens()[r];
            if (tok >= 0) {
                if (tok >= t.vocabSize()) {
                    throw new IllegalArgumentException("token " + tok + " outside vocab " + t.vocabSize());
                }
                System.arraycopy(embed, tok * h, x, r * h, h);
            } else {
                System.arraycopy(ps.y(), (-1 - tok) * h, x, r * h, h);
            }
        }
        List<Qwen2Layer.Saved> saved = new ArrayList<>();
        for (Qwen2Layer layer : layers) {
            Qwen2Layer.Saved s = layer.forward(p, x, len, in.positions(), in.mask());
            saved.add(s);
            x = s.out();
        }
        RmsNorm.Saved n = finalNorm.forward(p, x, len);
        return new Saved(vs, ps, saved, n, n.y());
    }

    /** Logits of every row [L, vocab] (for evaluation and the engine-parity test). */
    public float[] logits(Parameters p, float[] pixels, LmInput in) {
        Saved s = forward(p, pixels, in);
        float[] out = new float[in.length() * t.vocabSize()];
        Blas.matmulNT(s.hidden, p.get(head()), null, out, in.length(), t.hiddenSize(), t.vocabSize());
        return out;
    }

    /** The example's weighted loss, without gradients. */
    public double loss(Parameters p, TrainingExample ex) {
        Saved s = forward(p, ex.pixels(), ex.input());
        float[] rows = gather(s.hidden, ex.targets().rows());
        float[] logits = new Linear(head(), null, t.hiddenSize(), t.vocabSize()).forward(p, rows, ex.targets().size());
        return CrossEntropy.lossAndGradient(logits, t.vocabSize(), ex.targets().tokens(), ex.targets().weights());
    }

    /** The example's weighted loss; adds its gradient into {@code g}. */
    public double lossAndGradient(Parameters p, Parameters g, TrainingExample ex) {
        LmInput in = ex.input();
        int len = in.length(), h = t.hiddenSize(), n = ex.targets().size();
        Saved s = forward(p, ex.pixels(), in);
        // Only the rows in the loss need logits: the rest of the sequence is context.
        float[] rows = gather(s.hidden, ex.targets().rows());
        Linear lmHead = new Linear(head(), null, h, t.vocabSize());
        float[] logits = lmHead.forward(p, rows, n);
        double loss = CrossEntropy.lossAndGradient(logits, t.vocabSize(), ex.targets().tokens(), ex.targets().weights());
        float[] dRows = lmHead.backward(p, g, rows, logits, n);
        float[] dx = new float[len * h];
        for (int i = 0; i < n; i++) {
            Blas.axpy(1f, dRows, i * h, dx, ex.targets().rows()[i] * h, h);
        }
        dx = finalNorm.backward(p, g, s.norm, dx, len);
        for (int i = layers.size() - 1; i >= 0; i--) {
            dx = layers.get(i).backward(p, g, s.layers.get(i), dx, len, in.positions());
        }
        float[] gEmbed = g.get(EMBED);
        float[] dImage = s.projector == null ? null : new float[config.imageTokens() * h];
        for (int r = 0; r < len; r++) {
            int tok = in.tokens()[r];
            if (tok >= 0) {
                Blas.axpy(1f, dx, r * h, gEmbed, tok * h, h);
            } else {
                Blas.axpy(1f, dx, r * h, dImage, (-1 - tok) * h, h);
            }
        }
        if (dImage != null) {
            float[] dFeatures = projector.backward(p, g, s.projector, dImage, config.imageTokens());
            vision.backward(p, g, s.vision, dFeatures);
        }
        return loss;
    }

    private float[] gather(float[] hidden, int[] rows) {
        int h = t.hiddenSize();
        float[] out = new float[rows.length * h];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(hidden, rows[i] * h, out, i * h, h);
        }
        return out;
    }
}
