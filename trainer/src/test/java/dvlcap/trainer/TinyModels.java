package dvlcap.trainer;

import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfig;
import dvlcap.model.TextConfig;
import dvlcap.model.VisionConfig;

import java.util.List;
import java.util.SplittableRandom;

/** Very small models and samples for gradient checks and parity tests. */
final class TinyModels {
    static final int VOCAB = 12, MASK = 11, EOS = 10;

    private TinyModels() {
    }

    /** Vision 8x8 image, patch 4 (4 patches), 2 layers (1 run); LM hidden 8, head_dim 4, 4 q / 2 kv heads. */
    static ModelConfig config(boolean tied) {
        TextConfig text = new TextConfig(VOCAB, 8, 12, 2, 4, 2, 4, 1e-6f, 10000f, 64, tied);
        VisionConfig vision = new VisionConfig(8, 12, 2, 2, 8, 4, 3, 1e-6f, true);
        DecodingDefaults d = new DecodingDefaults(MASK, List.of(EOS), 4, null, "Describe.", "<image>");
        return new ModelConfig("llava-qwen2", text, vision, 8, -2, d);
    }

    static Parameters randomWeights(LlavaQwenModel m, long seed, double scale) {
        Parameters p = m.declare();
        GradientCheck.fill(p, new SplittableRandom(seed), scale);
        return p;
    }

    /** A 9-token prompt with the 4 image rows at 2..5, and a 4-token answer ending in EOS. */
    static CaptionSample sample(long seed) {
        float[] pixels = GradientCheck.random(new SplittableRandom(seed), 3 * 8 * 8, 1.0);
        int[] prompt = {1, 2, LmInput.imageRow(0), LmInput.imageRow(1), LmInput.imageRow(2), LmInput.imageRow(3), 3, 4, 5};
        return new CaptionSample("s" + seed, pixels, prompt, new int[]{6, 7, 8, EOS});
    }
}
