package dvlcap.bench;

import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfig;
import dvlcap.model.TextConfig;
import dvlcap.model.VisionConfig;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named model shapes for benchmarks with random weights. The LM shapes are the published
 * Qwen2.5 ones; the vision tower is SigLIP-so400m for the real shapes. Mask id and EOS follow
 * the DiffusionVL release (mask = embedding row 151671, EOS = 151645).
 */
public final class ModelShapes {
    private static final Map<String, ModelConfig> SHAPES = new TreeMap<>();

    static {
        VisionConfig tinyVision = new VisionConfig(32, 64, 2, 4, 32, 8, 3, 1e-6f, true);
        SHAPES.put("tiny", config(new TextConfig(128, 64, 128, 2, 4, 2, 16, 1e-6f, 10000f, 2048, false), tinyVision,
                120, 127));
        VisionConfig siglip = VisionConfig.so400mPatch14At384();
        SHAPES.put("qwen2.5-0.5b", config(new TextConfig(151936, 896, 4864, 24, 14, 2, 64, 1e-6f, 1e6f, 32768, true),
                siglip, 151645, 151671));
        SHAPES.put("qwen2.5-vl-3b-lm", config(new TextConfig(151936, 2048, 11008, 36, 16, 2, 128, 1e-6f, 1e6f, 32768,
                true), siglip, 151645, 151671));
        // Qwen2.5-7B's LM (DiffusionVL-Qwen2.5-7B is llava-qwen2 on it): 28 layers, 28/4 heads, untied lm_head
        SHAPES.put("qwen2.5-7b", config(new TextConfig(152064, 3584, 18944, 28, 28, 4, 128, 1e-6f, 1e6f, 32768,
                false), siglip, 151645, 151671));
    }

    private ModelShapes() {
    }

    private static ModelConfig config(TextConfig text, VisionConfig vision, int eos, int mask) {
        return new ModelConfig("llava-qwen2", text, vision, text.hiddenSize(), -2,
                new DecodingDefaults(mask, List.of(eos), 8, null, "Describe this image in detail.", "<image>"));
    }

    public static ModelConfig get(String name) {
        ModelConfig c = SHAPES.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "'; known shapes: " + String.join(", ", names()));
        }
        return c;
    }

    public static java.util.Set<String> names() {
        return SHAPES.keySet();
    }
}
