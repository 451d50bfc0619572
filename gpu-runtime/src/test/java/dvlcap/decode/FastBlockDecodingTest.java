package dvlcap.decode;

import dvlcap.backend.Backends;
import dvlcap.backend.ScalarBackend;
import dvlcap.image.VisionInput;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfig;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Block decoding of a model trained with the causal-LM loss (Fast-dVLM's way: causal clean
 * context, token shift, inherited first token): cached and batched decoding equals the uncached
 * oracle, with whole-block or sub-block denoising.
 */
class FastBlockDecodingTest {
    private static final List<Integer> NO_EOS = List.of();

    static ModelConfig causal(List<Integer> eos) {
        ModelConfig t = RandomModel.config(RandomModel.MASK, eos);
        DecodingDefaults d = t.decoding();
        return new ModelConfig(t.family(), t.text(), t.vision(), t.projectorHidden(), t.visionFeatureLayer(),
                new DecodingDefaults(d.maskTokenId(), d.eosTokenIds(), 8, d.systemPrompt(), d.captionPrompt(),
                        d.imagePlaceholder(), true));
    }

    @ParameterizedTest(name = "B={0} S={1} sub-block {2} {3} tau={4} prompt {5}+img+{6}")
    @CsvSource({
            "8, 8, 0, STATIC, 0.85, 3, 5",
            "8, 3, 0, DYNAMIC, 0.30, 2, 7",
            "16, 16, 4, DYNAMIC, 0.90, 1, 6",
            "16, 16, 8, DYNAMIC, 0.20, 4, 4",
            "4, 2, 2, DYNAMIC, 0.50, 2, 2"})
    void cachedDecodingEqualsTheUncachedReference(int b, int s, int sub, RemaskingKind kind, float tau, int before,
                                                 int after) {
        ModelConfig config = causal(NO_EOS);
        try (LlavaModel model = RandomModel.load(new ScalarBackend(), config, 9)) {
            int[] prompt = RandomModel.prompt(config, 11, before, after);
            Scheduler.Job job = new Scheduler.Job("img", prompt, VisionInput.tile(RandomModel.pixels(config, 11)), null);
            DecodingSettings settings = DecodingSettings.defaults().withBlock(b, s).withRemasking(kind, tau)
                    .withSubBlock(sub, tau).withMaxNewTokens(23);
            Scheduler.Finished got = RandomModel.run(model, settings, List.of(job), 1).get("img");
            Remasking remasking = sub > 0 ? new SubBlockRemasking(sub, tau) : Remasking.of(kind, tau);
            int[] expected = FastReferenceDecoder.decode(model, prompt, RandomModel.pixels(config, 11), b, s, remasking,
                    23, RandomModel.MASK, t -> false);
            assertArrayEquals(expected, got.answer());
            assertEquals(23, got.answer().length);
        }
    }

    @Test
    void staticDecodingSpendsItsStepsAndOneCacheWritePerBlock() {
        ModelConfig config = causal(NO_EOS);
        try (LlavaModel model = RandomModel.load(new ScalarBackend(), config, 9)) {
            Scheduler.Job job = new Scheduler.Job("img", RandomModel.prompt(config, 2, 3, 3),
                    VisionInput.tile(RandomModel.pixels(config, 2)), null);
            // 1 (prefill) + 7 per block of 8 (the inherited token is decided): 22 tokens = 1 + 3 blocks
            Scheduler.Finished f = RandomModel.run(model, DecodingSettings.defaults().withBlock(8, 7)
                    .withRemasking(RemaskingKind.STATIC, 0.9f).withMaxNewTokens(22), List.of(job), 1).get("img");
            assertEquals(22, f.answer().length);
            assertEquals(1 + 3 * 7 + 2, f.forwards(), "prefill, 7 steps per block, a cache write between blocks");
        }
    }

    @Test
    void captionsDoNotDependOnTheBatch() {
        ModelConfig config = causal(List.of(3, 17, 42, 99));
        try (LlavaModel model = RandomModel.load(Backends.create("cpu"), config, 13)) {
            List<Scheduler.Job> jobs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                jobs.add(new Scheduler.Job("img" + i, RandomModel.prompt(config, 500 + i, 1 + i % 5, 2 + i % 7),
                        VisionInput.tile(RandomModel.pixels(config, 500 + i)), null));
            }
            DecodingSettings s = DecodingSettings.defaults().withBlock(16, 0).withSubBlock(4, 0.5f).withMaxNewTokens(40);
            Map<String, Scheduler.Finished> alone = RandomModel.run(model, s, jobs, 1);
            Random shuffle = new Random(5);
            for (int batch : new int[]{3, 8, 32}) {
                List<Scheduler.Job> order = new ArrayList<>(jobs);
                Collections.shuffle(order, shuffle);
                Map<String, Scheduler.Finished> got = RandomModel.run(model, s, order, batch);
                for (Scheduler.Job j : jobs) {
                    assertArrayEquals(alone.get(j.id()).answer(), got.get(j.id()).answer(), j.id() + " at batch " + batch);
                }
            }
        }
    }

    @Test
    void aBlockOfOneIsRefusedWithTheWayOut() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SequenceFactory(
                DecodingSettings.defaults().withBlock(1, 1), causal(NO_EOS).decoding()));
        assertTrue(e.getMessage().contains("--decoder ar"), e.getMessage());
    }
}
