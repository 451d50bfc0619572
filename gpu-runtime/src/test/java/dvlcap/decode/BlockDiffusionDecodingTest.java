package dvlcap.decode;

import dvlcap.image.VisionInput;
import dvlcap.backend.ScalarBackend;
import dvlcap.model.ModelConfig;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding against the uncached, unbatched oracles of DESIGN.md §3. */
class BlockDiffusionDecodingTest {
    /** No token is EOS: answers run to max-new-tokens, exposing the raw token stream. */
    private static final List<Integer> NO_EOS = List.of(-5);
    private static ModelConfig config;
    private static LlavaModel model;

    @BeforeAll
    static void load() {
        config = RandomModel.config(RandomModel.MASK, NO_EOS);
        model = RandomModel.load(new ScalarBackend(), config, 7);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Scheduler.Finished decodeOne(DecodingSettings s, int before, int after, long seed) {
        Scheduler.Job job = new Scheduler.Job("img", RandomModel.prompt(config, seed, before, after),
                VisionInput.tile(RandomModel.pixels(config, seed)), null);
        return RandomModel.run(model, s, List.of(job), 1).get("img");
    }

    private static DecodingSettings block(int b, int s, RemaskingKind r, float tau, int maxNew) {
        return DecodingSettings.defaults().withBlock(b, s).withRemasking(r, tau).withMaxNewTokens(maxNew);
    }

    @ParameterizedTest(name = "B={0} S={1} {2} tau={3} prompt {4}+img+{5}")
    @CsvSource({
            "8, 8, STATIC, 0.85, 3, 5",
            "8, 4, STATIC, 0.85, 2, 7",
            "8, 8, DYNAMIC, 0.30, 3, 5",
            "4, 2, DYNAMIC, 0.20, 1, 6",
            "8, 3, DYNAMIC, 0.25, 4, 4",
            "5, 5, STATIC, 0.85, 2, 2"})
    void cachedFusedDecodingEqualsUncachedReference(int b, int s, RemaskingKind kind, float tau, int before, int after) {
        Scheduler.Finished got = decodeOne(block(b, s, kind, tau, 21), before, after, 11);
        int[] prompt = RandomModel.prompt(config, 11, before, after);
        ReferenceDecoder.Decoded expected = ReferenceDecoder.decode(model, prompt, RandomModel.pixels(config, 11), b, s,
                Remasking.of(kind, tau), 21, RandomModel.MASK, t -> false);
        assertArrayEquals(expected.answer(), got.answer());
        assertEquals(expected.steps(), got.forwards(), "one forward per denoising step, the cache writes fused");
        assertTrue(java.util.Arrays.stream(expected.answer()).distinct().count() >= 3,
                "the random model must not be degenerate, or this oracle proves little");
    }

    /**
     * 30 text + 16 image + 38 text = 84 prompt positions: 10 whole blocks of 8 and 4 leftover tokens, so
     * the first generated block holds 4 masks. The reference unmasks B/S of them per step (4 at S=2, 2
     * at S=4) and so needs 1 or 2 steps there, not S; later blocks take S steps each. Answer positions
     * 0..19 end exactly with the third block: 1+2+2 = 5 forwards at S=2, 2+4+4 = 10 at S=4.
     */
    @ParameterizedTest(name = "84-position prompt, B=8 S={0} {1}")
    @CsvSource({"2, STATIC, 5", "4, STATIC, 10", "2, DYNAMIC, 0", "4, DYNAMIC, 0"})
    void firstBlockUnmasksBOverSPerStepCappedByTheMasksLeft(int steps, RemaskingKind kind, int forwards) {
        int[] prompt = RandomModel.prompt(config, 13, 30, 38);
        assertEquals(84, prompt.length);
        ReferenceDecoder.Decoded expected = ReferenceDecoder.decode(model, prompt, RandomModel.pixels(config, 13), 8,
                steps, Remasking.of(kind, 0.3f), 20, RandomModel.MASK, t -> false);
        Scheduler.Finished got = decodeOne(block(8, steps, kind, 0.3f, 20), 30, 38, 13);
        assertArrayEquals(expected.answer(), got.answer());
        assertEquals(expected.steps(), got.forwards());
        if (kind == RemaskingKind.STATIC) {
            assertEquals(forwards, got.forwards());
        }
    }

    @Test
    void blockSizeOneStepOneIsAutoregressiveGreedy() {
        int[] prompt = RandomModel.prompt(config, 3, 2, 5);
        int[] expected = ReferenceDecoder.arGreedyWithMask(model, prompt, RandomModel.pixels(config, 3), 12,
                RandomModel.MASK, t -> false);
        Scheduler.Finished got = decodeOne(block(1, 1, RemaskingKind.STATIC, 0.85f, 12), 2, 5, 3);
        assertArrayEquals(expected, got.answer());
        // and the --decoder ar path of a diffusion model is exactly that
        Scheduler.Finished ar = decodeOne(block(8, 8, RemaskingKind.DYNAMIC, 0.85f, 12).withDecoder(DecoderKind.AR),
                2, 5, 3);
        assertArrayEquals(expected, ar.answer());
        assertEquals(12, ar.forwards(), "one forward per token");
    }

    @Test
    void dynamicWithThresholdAboveOneEqualsStatic() {
        Scheduler.Finished stat = decodeOne(block(8, 4, RemaskingKind.STATIC, 0, 24), 3, 4, 5);
        Scheduler.Finished dyn = decodeOne(block(8, 4, RemaskingKind.DYNAMIC, 1.5f, 24), 3, 4, 5);
        assertArrayEquals(stat.answer(), dyn.answer());
        assertEquals(stat.forwards(), dyn.forwards());
    }

    @Test
    void thresholdAtOrBelowZeroUnmasksAWholeBlockPerForward() {
        Scheduler.Finished f = decodeOne(block(8, 8, RemaskingKind.DYNAMIC, 0f, 32), 3, 4, 5);
        assertEquals(f.blocks(), f.forwards(), "one forward per block");
        assertTrue(f.generated() >= 32);
    }

    @Test
    void staticRemaskingSpendsExactlyStepsForwardsPerBlock() {
        // prompt length 2+16+6 = 24 is block aligned, so every block has 8 masks and needs 4 steps
        Scheduler.Finished f = decodeOne(block(8, 4, RemaskingKind.STATIC, 0, 16), 2, 6, 9);
        assertEquals(2, f.blocks());
        assertEquals(8, f.forwards(), "S forwards per block; the cache write is fused into the next block's step");
    }

    @Test
    void answerIsCutAtTheFirstEndOfSequence() {
        Scheduler.Finished raw = decodeOne(block(8, 8, RemaskingKind.STATIC, 0, 40), 3, 4, 21);
        int[] stream = raw.answer();
        int cut = 11; // a token in the second block of the answer
        int eosToken = stream[cut];
        int first = 0;
        while (stream[first] != eosToken) {
            first++;
        }
        ModelConfig withEos = RandomModel.config(RandomModel.MASK, List.of(eosToken));
        try (LlavaModel m = RandomModel.load(new ScalarBackend(), withEos, 7)) {
            Scheduler.Job job = new Scheduler.Job("img", RandomModel.prompt(withEos, 21, 3, 4),
                    VisionInput.tile(RandomModel.pixels(withEos, 21)), null);
            Scheduler.Finished f = RandomModel.run(m, block(8, 8, RemaskingKind.STATIC, 0, 40), List.of(job), 1)
                    .get("img");
            assertArrayEquals(java.util.Arrays.copyOf(stream, first), f.answer());
            assertEquals(first + 1, f.generated(), "generated counts the EOS token itself");
            // decoding stopped after the block holding EOS
            int promptLen = 3 + config.imageTokens() + 4;
            int blockOfEos = (promptLen + first) / 8 - promptLen / 8 + 1;
            assertEquals(blockOfEos, f.blocks());
        }
    }

    @Test
    void maxNewTokensBoundsTheAnswer() {
        Scheduler.Finished f = decodeOne(block(8, 8, RemaskingKind.STATIC, 0, 13), 3, 4, 5);
        assertEquals(13, f.answer().length);
    }

    @Test
    void sampledDecodingIsSeededPerImage() {
        DecodingSettings s = block(8, 8, RemaskingKind.DYNAMIC, 0.9f, 16).withSampling(1.0f, 20, 0.9f, 42);
        int[] a = decodeOne(s, 3, 4, 5).answer();
        int[] b = decodeOne(s, 3, 4, 5).answer();
        assertArrayEquals(a, b, "same seed, same image: same caption");
        int[] greedy = decodeOne(block(8, 8, RemaskingKind.DYNAMIC, 0.9f, 16), 3, 4, 5).answer();
        int[] other = decodeOne(s.withSampling(1.0f, 20, 0.9f, 43), 3, 4, 5).answer();
        assertTrue(!java.util.Arrays.equals(a, greedy) || !java.util.Arrays.equals(a, other),
                "temperature 1 sampling differs from greedy or from another seed");
    }

    @Test
    void autoregressiveModelDecodesWithShiftedLogits() {
        ModelConfig ar = RandomModel.config(-1, NO_EOS);
        try (LlavaModel m = RandomModel.load(new ScalarBackend(), ar, 7)) {
            int[] prompt = RandomModel.prompt(ar, 4, 2, 3);
            Scheduler.Job job = new Scheduler.Job("img", prompt, VisionInput.tile(RandomModel.pixels(ar, 4)), null);
            Map<String, Scheduler.Finished> got = RandomModel.run(m,
                    DecodingSettings.defaults().withDecoder(DecoderKind.AR).withMaxNewTokens(6), List.of(job), 1);
            // oracle: full recompute, argmax of the last row predicts the next token
            int vocab = ar.text().vocabSize();
            int[] seq = java.util.Arrays.copyOf(prompt, prompt.length + 6);
            try (var image = m.vision().encode(VisionInput.tile(RandomModel.pixels(ar, 4)))) {
                for (int n = 0; n < 6; n++) {
                    int len = prompt.length + n;
                    float[] logits = m.fullLogits(java.util.Arrays.copyOf(seq, len), image, 1);
                    int best = 0;
                    for (int v = 1; v < vocab; v++) {
                        if (logits[(len - 1) * vocab + v] > logits[(len - 1) * vocab + best]) {
                            best = v;
                        }
                    }
                    seq[len] = best;
                }
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(seq, prompt.length, prompt.length + 6),
                    got.get("img").answer());
            assertEquals(6, got.get("img").forwards());
        }
    }

    @Test
    void blockDecodingOfAnAutoregressiveModelIsRefused() {
        ModelConfig ar = RandomModel.config(-1, NO_EOS);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SequenceFactory(DecodingSettings.defaults(), ar.decoding()));
        assertTrue(e.getMessage().contains("--decoder ar"), e.getMessage());
    }

    @Test
    void differentImagesGiveDifferentCaptions() {
        // guards against a model that ignores its image rows
        assertNotEquals(java.util.Arrays.toString(decodeOne(block(8, 8, RemaskingKind.STATIC, 0, 16), 3, 4, 5).answer()),
                java.util.Arrays.toString(decodeOne(block(8, 8, RemaskingKind.STATIC, 0, 16), 3, 4, 6).answer()));
    }
}
