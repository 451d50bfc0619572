package dvlcap.decode;

import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.image.VisionInput;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfig;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Speculative block decoding is the model's autoregressive greedy decoding, only in fewer
 * forwards: token for token equal to {@link ArSequence} on the same model, whatever the block
 * size and whatever else is in the batch.
 */
class SpeculativeDecodingTest {
    private static final List<Integer> EOS = List.of(3, 17, 42, 99);

    /** The tiny random model, marked as trained with the causal-LM loss. */
    private static ModelConfig causalConfig() {
        ModelConfig t = RandomModel.config(RandomModel.MASK, EOS);
        DecodingDefaults d = t.decoding();
        return new ModelConfig(t.family(), t.text(), t.vision(), t.projectorHidden(), t.visionFeatureLayer(),
                new DecodingDefaults(d.maskTokenId(), d.eosTokenIds(), 8, d.systemPrompt(), d.captionPrompt(),
                        d.imagePlaceholder(), true));
    }

    private static List<Scheduler.Job> jobs(ModelConfig config, int n) {
        List<Scheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new Scheduler.Job("img" + i, RandomModel.prompt(config, 300 + i, 1 + i % 4, 2 + i % 6),
                    VisionInput.tile(RandomModel.pixels(config, 300 + i)), null));
        }
        return jobs;
    }

    private static DecodingSettings settings(DecoderKind kind, int blockSize) {
        return DecodingSettings.defaults().withDecoder(kind).withBlock(blockSize, 0).withMaxNewTokens(30);
    }

    @Test
    void speculativeAnswersEqualAutoregressiveGreedyAtEveryBlockSize() {
        ModelConfig config = causalConfig();
        Backend backend = Backends.create("cpu");
        try (LlavaModel model = RandomModel.load(backend, config, 21)) {
            List<Scheduler.Job> jobs = jobs(config, 12);
            Map<String, Scheduler.Finished> ar = RandomModel.run(model, settings(DecoderKind.AR, 0), jobs, 1);
            int totalAr = 0;
            for (Scheduler.Finished f : ar.values()) {
                totalAr += f.forwards();
            }
            for (int b : new int[]{2, 4, 8, 16}) {
                Map<String, Scheduler.Finished> spec = RandomModel.run(model, settings(DecoderKind.SPECULATIVE, b), jobs, 1);
                int forwards = 0, generated = 0, verifies = 0;
                for (Scheduler.Job j : jobs) {
                    Scheduler.Finished s = spec.get(j.id());
                    assertArrayEquals(ar.get(j.id()).answer(), s.answer(), j.id() + " at block size " + b);
                    forwards += s.forwards();
                    generated += s.generated();
                    verifies += s.blocks();
                    // a prefill, then a draft and a verify forward per block
                    assertEquals(1 + 2 * s.blocks(), s.forwards(), j.id() + " forwards at block size " + b);
                }
                // every verify step yields at least its correction token; more means drafts were accepted
                assertTrue(generated - 12 >= verifies, "at least one token per verify step at block size " + b);
                assertTrue(forwards > 0 && totalAr > 0);
            }
        }
    }

    @Test
    void acceptedDraftsShortenDecodingWhenTheDraftAgreesWithTheVerifier() {
        // Guards the oracle above: on this model some drafts are accepted, so the equality is not
        // only that of one-token-per-block decoding.
        ModelConfig config = causalConfig();
        try (LlavaModel model = RandomModel.load(Backends.create("cpu"), config, 21)) {
            List<Scheduler.Job> jobs = jobs(config, 12);
            Map<String, Scheduler.Finished> spec = RandomModel.run(model, settings(DecoderKind.SPECULATIVE, 8), jobs, 4);
            int generated = 0, verifies = 0;
            for (Scheduler.Finished f : spec.values()) {
                generated += f.generated();
                verifies += f.blocks();
            }
            assertTrue(generated - jobs.size() > verifies,
                    "drafts accepted beyond the corrections: " + generated + " tokens in " + verifies + " verifies");
        }
    }

    @Test
    void speculativeCaptionsDoNotDependOnTheBatch() {
        ModelConfig config = causalConfig();
        try (LlavaModel model = RandomModel.load(Backends.create("cpu"), config, 5)) {
            List<Scheduler.Job> jobs = jobs(config, 40);
            DecodingSettings s = settings(DecoderKind.SPECULATIVE, 8);
            Map<String, Scheduler.Finished> alone = RandomModel.run(model, s, jobs, 1);
            Random shuffle = new Random(3);
            for (int batch : new int[]{3, 8, 32}) {
                List<Scheduler.Job> order = new ArrayList<>(jobs);
                Collections.shuffle(order, shuffle);
                Map<String, Scheduler.Finished> got = RandomModel.run(model, s, order, batch);
                for (Scheduler.Job j : jobs) {
                    assertArrayEquals(alone.get(j.id()).answer(), got.get(j.id()).answer(),
                            j.id() + " in batches of " + batch + ": " + Arrays.toString(got.get(j.id()).answer()));
                }
            }
        }
    }

    @Test
    void aModelWithoutTheCausalLossIsRefused() {
        ModelConfig plain = RandomModel.config(RandomModel.MASK, EOS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequenceFactory(settings(DecoderKind.SPECULATIVE, 0), plain.decoding()));
        assertTrue(e.getMessage().contains("causal_lm_loss"), e.getMessage());
    }

    @Test
    void samplingIsRefusedBecauseSpeculativeDecodingIsGreedy() {
        DecodingSettings sampled = settings(DecoderKind.SPECULATIVE, 0).withSampling(0.7f, 0, 1f, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequenceFactory(sampled, causalConfig().decoding()));
        assertTrue(e.getMessage().contains("greedy only"), e.getMessage());
    }
}
