package dvlcap.trainer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole model's loss gradient (vision tower, projector, decoder, tied or untied head) equals
 * finite differences, under both objectives. Tolerances in {@link GradientCheck}.
 */
class ModelGradientTest {

    private static void checkModel(LlavaQwenModel model, TrainingExample ex) {
        assertTrue(ex.targets().size() > 0, "the example must have loss rows");
        Parameters p = TinyModels.randomWeights(model, 5, 0.5);
        Parameters g = p.zerosLike();
        double loss = model.lossAndGradient(p, g, ex);
        assertTrue(Math.abs(loss - model.loss(p, ex)) < 1e-9, "loss with and without gradient agree");
        // Every tensor the features reach gets a gradient; the skipped vision layer none.
        for (String name : p.names()) {
            boolean unused = model.unusedPrefixes().stream().anyMatch(name::startsWith);
            if (!unused && !name.endsWith("bias")) {
                assertTrue(g.get(name).length == 0 || nonZero(g.get(name)), "no gradient reached " + name);
            }
        }
        double worst = GradientCheck.check(p, g, q -> model.loss(q, ex), 6);
        assertTrue(worst <= 1.0);
    }

    private static boolean nonZero(float[] v) {
        for (float x : v) {
            if (x != 0f) {
                return true;
            }
        }
        return false;
    }

    @Test
    void autoregressiveLossGradientMatchesFiniteDifferences() {
        LlavaQwenModel model = new LlavaQwenModel(TinyModels.config(true));
        TrainingExample ex = new ArObjective().batch(List.of(TinyModels.sample(1)), new SplittableRandom(1)).get(0);
        checkModel(model, ex);
    }

    @Test
    void untiedHeadGradientMatchesFiniteDifferences() {
        LlavaQwenModel model = new LlavaQwenModel(TinyModels.config(false));
        TrainingExample ex = new ArObjective().batch(List.of(TinyModels.sample(2)), new SplittableRandom(1)).get(0);
        checkModel(model, ex);
    }

    @Test
    void blockDiffusionLossGradientMatchesFiniteDifferences() {
        LlavaQwenModel model = new LlavaQwenModel(TinyModels.config(true));
        Bd3Objective bd3 = new Bd3Objective(4, TinyModels.MASK, TinyModels.EOS);
        CaptionSample s = TinyModels.sample(3);
        int[] answer = bd3.paddedAnswer(s.prompt().length, s.answer());
        TrainingExample ex = bd3.example(s.pixels(), s.prompt(), answer, new double[]{0.7, 0.9}, new SplittableRandom(4),
                1f / answer.length);
        checkModel(model, ex);
    }

    @Test
    void fastDvlmLossGradientMatchesFiniteDifferences() {
        LlavaQwenModel model = new LlavaQwenModel(TinyModels.config(true));
        FastDvlmObjective fast = new FastDvlmObjective(3, TinyModels.MASK, TinyModels.EOS);
        CaptionSample s = TinyModels.sample(6);
        // answer of 4 in two blocks of 3; both loss terms present (causal on the clean rows, diffusion on the noisy)
        TrainingExample ex = fast.example(s.pixels(), s.prompt(), s.answer(), new double[]{0.9, 1.0},
                new SplittableRandom(4), 0.5f / 4, 0.5f / 4);
        assertTrue(ex.targets().size() > s.answer().length, "diffusion targets besides the causal ones");
        checkModel(model, ex);
    }
}
